/** GoBGP as the router: `gobgp global rib -j` read back. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabHost } from '@baremetal-lb/lab';
import {
  type BgpRouter,
  collectOutput,
  type RouterOptions,
  routerId,
  stopper,
  tempDir,
  waitForRouter,
} from './router-process.ts';

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
  const stop = stopper(process, dir);
  await waitForRouter(async () => (await gobgp('neighbor')).includes(options.peer), 'GoBGP', output, stop);
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
    stop,
  };
}
