/** FRR bgpd as the router: `vtysh show bgp ... json` read back. */
import { chownSync, writeFileSync } from 'node:fs';
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

/** FRR with its vtysh, for callers that read more than the shared BgpRouter surface. */
export type FrrRouter = BgpRouter & { vtysh(command: string): Promise<string> };

export async function startFrr(host: LabHost, options: RouterOptions): Promise<FrrRouter> {
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
  const stop = stopper(process, dir);
  await waitForRouter(async () => (await vtysh('show bgp summary')).length > 0, 'FRR', output, stop);
  return {
    name: 'frr',
    process,
    vtysh,
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
    stop,
  };
}
