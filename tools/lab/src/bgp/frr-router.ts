/**
 * FRR as the lab's router: zebra (the kernel table), bgpd and bfdd in the router's namespace, each
 * with its own configuration file, sockets in a private directory, read back with
 * `vtysh --vty_socket <dir> -c "... json"`. `maximum-paths` lets bgpd use the paths of every node
 * at once, so zebra installs one route with a next hop per announcing node (ECMP).
 */
import { chownSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabHost } from '../lab-host.ts';
import { runCommand } from '../run-command.ts';
import type { LabRouter, RouterConfig, SessionState } from './lab-router.ts';
import { createRouterDaemons } from './router-daemons.ts';

const daemonDir = '/usr/lib/frr';
/** bgpd's ECMP width: more than the lab's nodes. */
const maximumPaths = 16;

/** bgpd.conf for `config`: one neighbor per node, BFD profile "lab" when BFD is on. */
export function renderFrrBgpd(config: RouterConfig): string {
  const hold = config.holdTimeSeconds ?? 90;
  const lines = [
    'frr defaults traditional',
    'hostname router',
    `router bgp ${config.asn}`,
    ` bgp router-id ${config.address}`,
    // MetalLB's own FRR configuration says the same: accept routes without an import policy.
    ' no bgp ebgp-requires-policy',
    // Paths from different neighbor ASes are equal too (nodes may have their own ASN).
    ' bgp bestpath as-path multipath-relax',
  ];
  for (const n of config.neighbors) {
    lines.push(
      ` neighbor ${n.address} remote-as ${n.asn}`,
      ` neighbor ${n.address} description ${n.name}`,
      ` neighbor ${n.address} update-source ${config.address}`,
      ` neighbor ${n.address} timers ${Math.floor(hold / 3)} ${hold}`,
      ` neighbor ${n.address} timers connect 1`,
    );
    if (config.bfd !== undefined) lines.push(` neighbor ${n.address} bfd profile lab`);
  }
  lines.push(
    ' address-family ipv4 unicast',
    `  maximum-paths ${maximumPaths}`,
    `  maximum-paths ibgp ${maximumPaths}`,
    ' exit-address-family',
    '!',
    '',
  );
  return lines.join('\n');
}

export function renderFrrBfdd(config: RouterConfig): string {
  if (config.bfd === undefined) return 'hostname router\n';
  return [
    'hostname router',
    'bfd',
    ' profile lab',
    `  detect-multiplier ${config.bfd.multiplier}`,
    `  receive-interval ${config.bfd.intervalMs}`,
    `  transmit-interval ${config.bfd.intervalMs}`,
    ' exit',
    'exit',
    '',
  ].join('\n');
}

type FrrTable = { routes?: Record<string, { valid?: boolean; nexthops?: { ip?: string }[] }[]> };

/** `show bgp ipv4 unicast json`: prefix → the next hops of its valid paths, sorted. */
export function parseFrrRoutes(json: string): Map<string, string[]> {
  const table = JSON.parse(json) as FrrTable;
  return new Map(
    Object.entries(table.routes ?? {}).map(([prefix, paths]) => [
      prefix,
      paths
        .filter((p) => p.valid !== false)
        .flatMap((p) => p.nexthops?.map((h) => h.ip ?? '') ?? [])
        .filter((ip) => ip !== '')
        .sort(),
    ]),
  );
}

export async function startFrrRouter(host: LabHost, config: RouterConfig): Promise<LabRouter> {
  const daemons = createRouterDaemons(host, 'frr');
  const { dir } = daemons;
  const uid = Number((await runCommand('id', ['-u', 'frr'])).stdout.trim());
  const gid = Number((await runCommand('id', ['-g', 'frr'])).stdout.trim());
  chownSync(dir, uid, gid);
  const files = { zebra: 'hostname router\n', bfdd: renderFrrBfdd(config), bgpd: renderFrrBgpd(config) };
  for (const [daemon, text] of Object.entries(files)) {
    writeFileSync(path.join(dir, `${daemon}.conf`), text);
    chownSync(path.join(dir, `${daemon}.conf`), uid, gid);
  }
  const vtysh = async (command: string) =>
    (await runCommand('vtysh', ['--vty_socket', dir, '-c', command])).stdout;
  const json = async <T>(command: string) => JSON.parse(await vtysh(command)) as T;
  // No vty TCP port (-P 0); zebra's API socket and the vty sockets in `dir`. bgpd keeps port 179:
  // the speakers connect to it.
  const common = (daemon: string) => [
    '-u',
    'frr',
    '-g',
    'frr',
    '-f',
    path.join(dir, `${daemon}.conf`),
    '-i',
    path.join(dir, `${daemon}.pid`),
    '--vty_socket',
    dir,
    '-z',
    path.join(dir, 'zserv.api'),
    '-P',
    '0',
    '--log',
    'stdout',
  ];
  daemons.spawn(path.join(daemonDir, 'zebra'), common('zebra'));
  await daemons.waitUntil('zebra', async () => (await vtysh('show version')).includes('FRRouting'));
  daemons.spawn(path.join(daemonDir, 'bfdd'), common('bfdd'));
  daemons.spawn(path.join(daemonDir, 'bgpd'), common('bgpd'));
  await daemons.waitUntil('bgpd and bfdd', async () => {
    const summary = await vtysh('show bgp summary');
    await vtysh('show bfd peers');
    return summary.includes(`local AS number ${config.asn}`);
  });

  return {
    kind: 'frr',
    processes: daemons.processes,
    async sessions() {
      const neighbors = await json<Record<string, { bgpState?: string }>>('show bgp neighbors json');
      return new Map(
        config.neighbors.map((n): [string, SessionState] => [
          n.address,
          neighbors[n.address]?.bgpState === 'Established' ? 'established' : 'down',
        ]),
      );
    },
    async bfdPeers() {
      const peers = await json<{ peer: string; status: string }[]>('show bfd peers json');
      return new Map(peers.map((p) => [p.peer, p.status === 'up' ? 'up' : 'down'] as const));
    },
    async routes() {
      return parseFrrRoutes(await vtysh('show bgp ipv4 unicast json'));
    },
    async showRoutes() {
      const command = 'show bgp ipv4 unicast';
      return { command: `vtysh -c "${command}"`, output: await vtysh(command) };
    },
    showCommand: `vtysh --vty_socket ${dir} -c "show bgp ipv4 unicast"`,
    stop: daemons.stop,
  };
}
