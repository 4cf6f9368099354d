/**
 * The router's forwarding table, as the kernel holds it: what `ip route` shows, read as JSON, and
 * watched with `ip -o monitor route` so that the moment a route appears or loses a next hop is
 * timed from the kernel's own notification rather than by polling a CLI.
 */
import type { ChildProcess } from 'node:child_process';
import { LabError } from '../lab-error.ts';
import type { LabHost } from '../lab-host.ts';

/** prefix ("198.18.112.200/32") → the gateways of its next hops, sorted. */
export type KernelRoutes = ReadonlyMap<string, readonly string[]>;

type IpRoute = {
  dst: string;
  protocol?: string;
  gateway?: string;
  nexthops?: { gateway?: string }[];
};

const withLength = (dst: string) => (dst.includes('/') ? dst : `${dst}/32`);

/** `ip -4 -j route show`: the routes a routing daemon put there (FRR's `proto bgp`, BIRD's `proto bird`). */
export function parseKernelRoutes(json: string): KernelRoutes {
  const routes = new Map<string, string[]>();
  for (const route of JSON.parse(json) as IpRoute[]) {
    if (route.protocol !== 'bgp' && route.protocol !== 'bird') continue;
    const hops = route.nexthops?.map((h) => h.gateway ?? '') ?? [route.gateway ?? ''];
    routes.set(withLength(route.dst), hops.filter((h) => h !== '').sort());
  }
  return routes;
}

export async function readKernelRoutes(host: LabHost): Promise<KernelRoutes> {
  return parseKernelRoutes((await host.exec('ip', ['-4', '-j', 'route', 'show'])).stdout);
}

/**
 * A `waitFor` predicate: the route is still there, without `gateway`. A next hop going is one
 * route replacement, but a route seen empty in between (re-read between two notifications) is
 * not the state that counts, so the time is that of the route with the others.
 */
export const withoutNextHop =
  (gateway: string) =>
  (nextHops: readonly string[]): boolean =>
    nextHops.length > 0 && !nextHops.includes(gateway);

export type KernelRouteWatch = {
  /** The current next hops of `prefix` (empty: no route). */
  nextHops(prefix: string): readonly string[];
  /**
   * Resolves with performance.now() of the kernel notification that brought `prefix` its current
   * next hops, once `holds` is true for them (at once if it is already); rejects after `timeoutMs`.
   */
  waitFor(
    prefix: string,
    holds: (nextHops: readonly string[]) => boolean,
    timeoutMs: number,
  ): Promise<number>;
  stop(): void;
};

/**
 * Watches the kernel's routes and next-hop objects: FRR's zebra keeps ECMP next hops in nexthop
 * groups (`nhid`) and may change a group in place, which no route notification reports. Every
 * notification triggers one re-read; a change is timed at the first notification before it.
 */
export async function watchKernelRoutes(host: LabHost): Promise<KernelRouteWatch> {
  const child: ChildProcess = host.spawn('ip', ['-o', 'monitor', 'route', 'nexthop']);
  let state: KernelRoutes = new Map();
  /** When each prefix's next hops last changed (the first notification before the re-read). */
  const changedAt = new Map<string, number>();
  const waiters = new Set<() => void>();
  let pendingSince: number | undefined;
  let reading: Promise<void> | undefined;
  const reread = async () => {
    while (pendingSince !== undefined) {
      const since = pendingSince;
      pendingSince = undefined;
      const previous = state;
      state = await readKernelRoutes(host).catch(() => state);
      for (const prefix of new Set([...previous.keys(), ...state.keys()])) {
        if ((previous.get(prefix) ?? []).join() !== (state.get(prefix) ?? []).join())
          changedAt.set(prefix, since);
      }
      for (const waiter of [...waiters]) waiter();
    }
    reading = undefined;
  };
  child.stdout?.on('data', () => {
    pendingSince ??= performance.now();
    reading ??= reread();
  });
  // The monitor is listening once it has started; what was there before comes from a dump.
  await new Promise((resolve) => setTimeout(resolve, 100));
  pendingSince ??= performance.now();
  reading ??= reread();
  await reading;
  return {
    nextHops: (prefix) => state.get(prefix) ?? [],
    waitFor(prefix, holds, timeoutMs) {
      const at = () => changedAt.get(prefix) ?? performance.now();
      if (holds(state.get(prefix) ?? [])) return Promise.resolve(at());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!holds(state.get(prefix) ?? [])) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(at());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new LabError(
              'ERR_LAB_TIMEOUT',
              `the kernel route of ${prefix} did not change as expected within ${timeoutMs} ms (next hops: ${(state.get(prefix) ?? []).join(', ') || 'none'})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    stop: () => child.kill(),
  };
}
