/** BIRD 2 as the router: `birdc show route all` read back. */

import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabHost } from '@baremetal-lb/lab';
import {
  type BgpRouter,
  collectOutput,
  type RouterOptions,
  type RouterRoute,
  routerId,
  run,
  stopper,
  tempDir,
  waitForRouter,
} from './router-process.ts';

/** BIRD 2: device + one bgp protocol with both channels, `gateway direct` so next hops resolve on-link (recursive for multihop). */
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
  const stop = stopper(process, dir);
  await waitForRouter(
    async () => (await birdc('show', 'status')).includes('Daemon is up'),
    'BIRD',
    output,
    stop,
  );
  return { process, birdc, stop };
}

export async function startBird(host: LabHost, options: RouterOptions): Promise<BgpRouter> {
  const config = [
    `router id ${routerId(options)};`,
    'protocol device {}',
    // Multihop next hops resolve recursively: learn the kernel's routes (the lab's static route
    // to our subnet) and the connected networks into the IGP table.
    ...(options.multihop === undefined
      ? []
      : ['protocol direct { ipv4; ipv6; }', 'protocol kernel { ipv4 { import all; export none; }; learn; }']),
    // The forwarding plane: what BIRD learns goes into the kernel. On a graceful shutdown of
    // BIRD the kernel routes stay (`persist`) — irrelevant here, we restart, not BIRD.
    ...(options.exportToKernel ? ['protocol kernel { ipv4 { import none; export all; }; }'] : []),
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
    ...(options.twoOctetOnly ? ['  enable as4 off;'] : []),
    // iBGP is multihop by default in BIRD; ours is one link away.
    ...(options.multihop === undefined
      ? options.peerAsn === options.routerAsn
        ? ['  direct;']
        : []
      : [`  multihop ${options.multihop};`]),
    ...(options.gracefulRestartSeconds === undefined
      ? []
      : ['  graceful restart on;', `  graceful restart time ${options.gracefulRestartSeconds};`]),
    ...(options.multihop === undefined
      ? [
          '  ipv4 { import all; export none; gateway direct; };',
          '  ipv6 { import all; export none; gateway direct; };',
        ]
      : ['  ipv4 { import all; export none; };', '  ipv6 { import all; export none; };']),
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
