/**
 * Real BGP routers for the interop tests: BIRD 2, FRR's bgpd and GoBGP, each started in a lab
 * host's network namespace with its configuration and control socket in a temporary directory,
 * and read back through its own CLI (`birdc show route all`, `vtysh show bgp ... json`,
 * `gobgp global rib -j`). Each router peers with our speaker and imports everything it sends.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabHost } from '@baremetal-lb/lab';

const run = promisify(execFile);

/** A route as the router's RIB shows it, normalized across the three CLIs. */
export type RouterRoute = {
  readonly prefix: string;
  readonly nextHop: string;
  readonly asPath: readonly number[];
  readonly localPref: number | undefined;
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
};

export type RouterOptions = {
  readonly routerAsn: number;
  /** The router's own address (its router ID when IPv4) and ours. */
  readonly local: string;
  readonly peer: string;
  readonly peerAsn: number;
  readonly password?: string;
  readonly holdTimeSeconds?: number;
  /** eBGP multihop TTL. */
  readonly multihop?: number;
  /** RFC 4724 helper (and restarting speaker) with this restart time. */
  readonly gracefulRestartSeconds?: number;
  /** BIRD only: run BFD for the session (`bfd on`) with these timers. */
  readonly bfd?: { readonly intervalMs: number; readonly multiplier: number };
};

export interface BgpRouter {
  readonly name: RouterName;
  readonly process: ChildProcess;
  established(): Promise<boolean>;
  routes(family: 4 | 6): Promise<RouterRoute[]>;
  /** Asks us for our routes again (ROUTE-REFRESH, RFC 2918) for IPv4 unicast; false if it cannot. */
  refresh(): Promise<boolean>;
  stop(): Promise<void>;
}

export type RouterName = 'bird' | 'frr' | 'gobgp';

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `bmlb-bgp-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

function stopper(process: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (process.exitCode === null && process.signalCode === null) {
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

function collectOutput(process: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  process.stdout?.on('data', keep);
  process.stderr?.on('data', keep);
  return () => output;
}

const routerId = (options: RouterOptions) => (options.local.includes(':') ? '198.51.100.254' : options.local);

/** BIRD 2: device + one bgp protocol with both channels, `gateway direct` so next hops resolve on-link. */
export type BirdProcess = {
  readonly process: ChildProcess;
  birdc(...args: string[]): Promise<string>;
  stop(): Promise<void>;
};

/** Starts `bird` with `config` in a temporary directory and waits until its control socket answers. */
export async function spawnBird(host: LabHost, config: string): Promise<BirdProcess> {
  const dir = tempDir('bird');
  const socket = path.join(dir, 'bird.ctl');
  writeFileSync(path.join(dir, 'bird.conf'), config);
  const process = host.spawn('bird', [
    '-f',
    '-c',
    path.join(dir, 'bird.conf'),
    '-s',
    socket,
    '-P',
    path.join(dir, 'bird.pid'),
  ]);
  const output = collectOutput(process);
  const birdc = async (...args: string[]) => (await run('birdc', ['-s', socket, ...args])).stdout;
  await waitForRouter(async () => (await birdc('show', 'status')).includes('Daemon is up'), 'BIRD', output);
  return { process, birdc, stop: stopper(process, dir) };
}

export async function startBird(host: LabHost, options: RouterOptions): Promise<BgpRouter> {
  const config = [
    `router id ${routerId(options)};`,
    'protocol device {}',
    ...(options.bfd === undefined
      ? []
      : [
          'protocol bfd {',
          '  interface "*" {',
          `    min rx interval ${options.bfd.intervalMs} ms;`,
          `    min tx interval ${options.bfd.intervalMs} ms;`,
          `    multiplier ${options.bfd.multiplier};`,
          '  };',
          '}',
        ]),
    'protocol bgp ours {',
    `  local ${options.local} as ${options.routerAsn};`,
    `  neighbor ${options.peer} as ${options.peerAsn};`,
    `  hold time ${options.holdTimeSeconds ?? 90};`,
    '  connect retry time 1;',
    '  error wait time 1, 5;',
    ...(options.password === undefined ? [] : [`  password "${options.password}";`]),
    ...(options.bfd === undefined ? [] : ['  bfd on;']),
    // iBGP is multihop by default in BIRD; ours is one link away.
    ...(options.multihop === undefined
      ? options.peerAsn === options.routerAsn
        ? ['  direct;']
        : []
      : [`  multihop ${options.multihop};`]),
    ...(options.gracefulRestartSeconds === undefined
      ? []
      : ['  graceful restart on;', `  graceful restart time ${options.gracefulRestartSeconds};`]),
    '  ipv4 { import all; export none; gateway direct; };',
    '  ipv6 { import all; export none; gateway direct; };',
    '}',
    '',
  ].join('\n');
  const { process, birdc, stop } = await spawnBird(host, config);
  return {
    name: 'bird',
    process,
    established: async () =>
      /ours\s+BGP\s+\S+\s+up\s+\S+\s+Established/.test(await birdc('show', 'protocols')),
    routes: async (family) =>
      parseBirdRoutes(await birdc('show', 'route', 'table', family === 4 ? 'master4' : 'master6', 'all')),
    refresh: async () => {
      await birdc('reload', 'in', 'ours');
      return true;
    },
    stop,
  };
}

/** Parses `birdc show route all`: a line per route, then indented attribute lines. */
export function parseBirdRoutes(text: string): RouterRoute[] {
  const routes: RouterRoute[] = [];
  let current: { prefix: string; attributes: Map<string, string> } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const a = current.attributes;
    const pairs = (value: string | undefined) =>
      [...(value ?? '').matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!.split(/,\s*/).join(':'));
    routes.push({
      prefix: current.prefix,
      nextHop: a.get('BGP.next_hop')?.split(' ')[0] ?? '',
      asPath: (a.get('BGP.as_path') ?? '')
        .split(/\s+/)
        .filter((x) => x !== '')
        .map(Number),
      localPref: a.has('BGP.local_pref') ? Number(a.get('BGP.local_pref')) : undefined,
      communities: pairs(a.get('BGP.community')),
      largeCommunities: pairs(a.get('BGP.large_community')),
    });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f:.]+\/\d+)\s+unicast/.exec(line);
    if (head !== null) {
      flush();
      current = { prefix: head[1]!, attributes: new Map() };
      continue;
    }
    const attribute = /^\s+(BGP\.\w+):\s*(.*)$/.exec(line);
    if (attribute !== null && current !== undefined)
      current.attributes.set(attribute[1]!, attribute[2]!.trim());
  }
  flush();
  return routes;
}

/** FRR bgpd alone (no zebra: routes stay in BGP's RIB, which is what we read), as the frr user. */
export async function startFrr(host: LabHost, options: RouterOptions): Promise<BgpRouter> {
  const dir = tempDir('frr');
  const { stdout: uid } = await run('id', ['-u', 'frr']);
  const { stdout: gid } = await run('id', ['-g', 'frr']);
  chownSync(dir, Number(uid.trim()), Number(gid.trim()));
  const n = options.peer;
  const config = [
    'frr defaults traditional',
    'hostname router',
    `router bgp ${options.routerAsn}`,
    ` bgp router-id ${routerId(options)}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ...(options.gracefulRestartSeconds === undefined
      ? []
      : [' bgp graceful-restart', ` bgp graceful-restart restart-time ${options.gracefulRestartSeconds}`]),
    ` neighbor ${n} remote-as ${options.peerAsn}`,
    ` neighbor ${n} update-source ${options.local}`,
    ` neighbor ${n} timers ${Math.floor((options.holdTimeSeconds ?? 90) / 3)} ${options.holdTimeSeconds ?? 90}`,
    ` neighbor ${n} timers connect 1`,
    ...(options.password === undefined ? [] : [` neighbor ${n} password ${options.password}`]),
    ...(options.multihop === undefined ? [] : [` neighbor ${n} ebgp-multihop ${options.multihop}`]),
    ' address-family ipv4 unicast',
    `  neighbor ${n} activate`,
    ' exit-address-family',
    ' address-family ipv6 unicast',
    `  neighbor ${n} activate`,
    ' exit-address-family',
    '!',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'bgpd.conf'), config);
  chownSync(path.join(dir, 'bgpd.conf'), Number(uid.trim()), Number(gid.trim()));
  const process = host.spawn('/usr/lib/frr/bgpd', [
    '-Z',
    '-u',
    'frr',
    '-g',
    'frr',
    '-f',
    path.join(dir, 'bgpd.conf'),
    '-i',
    path.join(dir, 'bgpd.pid'),
    '--vty_socket',
    dir,
    '-P',
    '0',
    '--log',
    'stdout',
  ]);
  const output = collectOutput(process);
  const vtysh = async (command: string) => (await run('vtysh', ['--vty_socket', dir, '-c', command])).stdout;
  const json = async (command: string) => JSON.parse(await vtysh(command)) as Record<string, unknown>;
  await waitForRouter(async () => (await vtysh('show bgp summary')).length > 0, 'FRR', output);
  return {
    name: 'frr',
    process,
    established: async () => {
      const neighbor = (await json(`show bgp neighbors ${n} json`))[n] as { bgpState?: string } | undefined;
      return neighbor?.bgpState === 'Established';
    },
    routes: async (family) => {
      const table = (await json(`show bgp ${family === 4 ? 'ipv4' : 'ipv6'} unicast json`)) as {
        routes?: Record<string, unknown>;
      };
      const out: RouterRoute[] = [];
      for (const prefix of Object.keys(table.routes ?? {})) {
        const detail = (await json(`show bgp ${family === 4 ? 'ipv4' : 'ipv6'} unicast ${prefix} json`)) as {
          paths?: {
            aspath?: { string?: string };
            locPrf?: number;
            community?: { string?: string };
            largeCommunity?: { string?: string };
            nexthops?: { ip?: string }[];
          }[];
        };
        const path0 = detail.paths?.[0];
        if (path0 === undefined) continue;
        const words = (value: string | undefined) => (value ?? '').split(/\s+/).filter((x) => x !== '');
        out.push({
          prefix,
          nextHop: path0.nexthops?.[0]?.ip ?? '',
          asPath: words(path0.aspath?.string)
            .filter((x) => x !== 'Local')
            .map(Number),
          localPref: path0.locPrf,
          communities: words(path0.community?.string),
          largeCommunities: words(path0.largeCommunity?.string),
        });
      }
      return out;
    },
    refresh: async () => {
      await vtysh(`clear bgp ipv4 unicast ${n} soft in`);
      return true;
    },
    stop: stopper(process, dir),
  };
}

type GobgpPath = {
  nlri?: { prefix?: string };
  attrs?: {
    type: number;
    nexthop?: string;
    value?: unknown;
    as_paths?: { asns?: number[] }[];
    communities?: number[];
    mp_reach_nlri?: unknown;
  }[];
};

/** GoBGP: gobgpd with one neighbor, both families; its gRPC API on the namespace's loopback. */
export async function startGobgp(host: LabHost, options: RouterOptions): Promise<BgpRouter> {
  const dir = tempDir('gobgp');
  const config = [
    '[global.config]',
    `  as = ${options.routerAsn}`,
    `  router-id = "${routerId(options)}"`,
    `  local-address-list = ["${options.local}"]`,
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = "${options.peer}"`,
    `    peer-as = ${options.peerAsn}`,
    ...(options.password === undefined ? [] : [`    auth-password = "${options.password}"`]),
    '  [neighbors.timers.config]',
    '    connect-retry = 1',
    `    hold-time = ${options.holdTimeSeconds ?? 90}`,
    `    keepalive-interval = ${Math.floor((options.holdTimeSeconds ?? 90) / 3)}`,
    ...(options.multihop === undefined
      ? []
      : [
          '  [neighbors.ebgp-multihop.config]',
          '    enabled = true',
          `    multihop-ttl = ${options.multihop}`,
        ]),
    ...(options.gracefulRestartSeconds === undefined
      ? []
      : [
          '  [neighbors.graceful-restart.config]',
          '    enabled = true',
          `    restart-time = ${options.gracefulRestartSeconds}`,
        ]),
    ...['ipv4-unicast', 'ipv6-unicast'].flatMap((family) => [
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = "${family}"`,
      ...(options.gracefulRestartSeconds === undefined
        ? []
        : ['    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true']),
    ]),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'gobgpd.toml'), config);
  const process = host.spawn('gobgpd', [
    '-f',
    path.join(dir, 'gobgpd.toml'),
    '--pprof-disable',
    '--log-plain',
    '--api-hosts=127.0.0.1:50051',
  ]);
  const output = collectOutput(process);
  const gobgp = async (...args: string[]) =>
    (await host.exec('gobgp', ['-u', '127.0.0.1', '-p', '50051', ...args])).stdout;
  await waitForRouter(async () => (await gobgp('neighbor')).includes(options.peer), 'GoBGP', output);
  return {
    name: 'gobgp',
    process,
    established: async () => {
      type Neighbor = { state?: { session_state?: number | string } };
      const parsed = JSON.parse(await gobgp('neighbor', options.peer, '-j')) as Neighbor | Neighbor[];
      const state = (Array.isArray(parsed) ? parsed[0] : parsed)?.state?.session_state;
      return state === 6 || state === 'established' || state === 'ESTABLISHED';
    },
    routes: async (family) => {
      const rib = JSON.parse(
        await gobgp('global', 'rib', '-a', family === 4 ? 'ipv4' : 'ipv6', '-j'),
      ) as Record<string, GobgpPath[]>;
      return Object.entries(rib).map(([prefix, paths]) => {
        const attrs = paths[0]?.attrs ?? [];
        const of = (type: number) => attrs.find((a) => a.type === type);
        // GoBGP's LargeCommunity struct has no JSON tags: its Go field names are the keys.
        const large =
          (of(32)?.value as { ASN: number; LocalData1: number; LocalData2: number }[] | undefined) ?? [];
        const reach = of(14) as { nexthop?: string } | undefined;
        return {
          prefix,
          nextHop: of(3)?.nexthop ?? reach?.nexthop ?? '',
          asPath: (of(2)?.as_paths ?? []).flatMap((segment) => segment.asns ?? []),
          localPref: of(5)?.value as number | undefined,
          communities: (of(8)?.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`),
          largeCommunities: large.map((c) => `${c.ASN}:${c.LocalData1}:${c.LocalData2}`),
        };
      });
    },
    // `gobgp neighbor X softresetin` re-applies policy to GoBGP's own Adj-RIB-In: no ROUTE-REFRESH.
    refresh: async () => false,
    stop: stopper(process, dir),
  };
}

async function waitForRouter(
  probe: () => Promise<boolean>,
  name: string,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${name} did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const ROUTERS = { bird: startBird, frr: startFrr, gobgp: startGobgp } as const;
