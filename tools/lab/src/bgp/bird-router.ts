/**
 * BIRD 2 as the lab's router: one `bgp` protocol per node (named after it), BFD when asked, and a
 * `kernel` protocol with `merge paths on`, which turns the equal paths of all nodes into one
 * multipath route in the namespace's kernel table (ECMP). Read back with `birdc`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabHost } from '../lab-host.ts';
import { runCommand } from '../run-command.ts';
import type { LabRouter, RouterConfig, SessionState } from './lab-router.ts';
import { createRouterDaemons } from './router-daemons.ts';

export function renderBirdConfig(config: RouterConfig): string {
  const lines = [
    `router id ${config.address};`,
    'protocol device {}',
    'protocol kernel {',
    '  ipv4 { import none; export all; };',
    '  merge paths on;',
    '}',
  ];
  if (config.bfd !== undefined) {
    lines.push(
      'protocol bfd {',
      '  interface "*" {',
      `    min rx interval ${config.bfd.intervalMs} ms;`,
      `    min tx interval ${config.bfd.intervalMs} ms;`,
      `    multiplier ${config.bfd.multiplier};`,
      '  };',
      '}',
    );
  }
  for (const n of config.neighbors) {
    lines.push(
      `protocol bgp ${n.name} {`,
      `  local ${config.address} as ${config.asn};`,
      `  neighbor ${n.address} as ${n.asn};`,
      `  hold time ${config.holdTimeSeconds ?? 90};`,
      '  connect retry time 1;',
      '  error wait time 1, 5;',
      ...(config.bfd === undefined ? [] : ['  bfd on;']),
      // Internal peers are multihop by default in BIRD; the nodes are on our LAN.
      ...(n.asn === config.asn ? ['  direct;'] : []),
      '  ipv4 { import all; export none; };',
      '}',
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** `birdc show route`: a prefix line per first path, indented lines per further path, `via` lines. */
export function parseBirdRoutes(text: string): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
    if (head !== null) {
      current = routes.get(head[1]!) ?? [];
      routes.set(head[1]!, current);
    }
    const via = /^\s+via (\S+)/.exec(line);
    if (via !== null) current?.push(via[1]!);
  }
  for (const hops of routes.values()) hops.sort();
  return routes;
}

export async function startBirdRouter(host: LabHost, config: RouterConfig): Promise<LabRouter> {
  const daemons = createRouterDaemons(host, 'bird');
  const socket = path.join(daemons.dir, 'bird.ctl');
  writeFileSync(path.join(daemons.dir, 'bird.conf'), renderBirdConfig(config));
  const birdc = async (...args: string[]) => (await runCommand('birdc', ['-s', socket, ...args])).stdout;
  daemons.spawn('bird', [
    '-f',
    '-c',
    path.join(daemons.dir, 'bird.conf'),
    '-s',
    socket,
    '-P',
    path.join(daemons.dir, 'bird.pid'),
  ]);
  await daemons.waitUntil('bird', async () => (await birdc('show', 'status')).includes('Daemon is up'));
  const byName = new Map(config.neighbors.map((n) => [n.name, n.address]));

  return {
    kind: 'bird',
    processes: daemons.processes,
    async sessions() {
      const states = new Map<string, SessionState>(config.neighbors.map((n) => [n.address, 'down']));
      for (const line of (await birdc('show', 'protocols')).split('\n')) {
        const [name, proto, , state, , info] = line.trim().split(/\s+/);
        const address = byName.get(name ?? '');
        if (address !== undefined && proto === 'BGP' && state === 'up' && info === 'Established')
          states.set(address, 'established');
      }
      return states;
    },
    async bfdPeers() {
      const peers = new Map<string, 'up' | 'down'>();
      if (config.bfd === undefined) return peers;
      for (const line of (await birdc('show', 'bfd', 'sessions')).split('\n')) {
        const [address, , state] = line.trim().split(/\s+/);
        if (address !== undefined && byName.size > 0 && [...byName.values()].includes(address))
          peers.set(address, state === 'Up' ? 'up' : 'down');
      }
      return peers;
    },
    async routes() {
      return parseBirdRoutes(await birdc('show', 'route', 'table', 'master4'));
    },
    async showRoutes() {
      return { command: 'birdc show route', output: await birdc('show', 'route') };
    },
    showCommand: `birdc -s ${socket} show route`,
    stop: daemons.stop,
  };
}
