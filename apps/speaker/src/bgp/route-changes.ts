/**
 * What to hand a session so its routes match the plan: the routes that are new or changed, and
 * the prefixes to withdraw, against what it was handed before (prefix → the route as JSON). Only
 * prefixes of the families the session carries count. Pure.
 */
import { isIPv4 } from 'node:net';
import type { Route } from '@baremetal-lb/bgp';
import type { DesiredRoute } from './desired-routes.ts';

export type RouteChanges = {
  readonly announce: readonly Route[];
  readonly withdraw: readonly string[];
  /** What the session holds after the changes, to pass as `sent` next time. */
  readonly sent: ReadonlyMap<string, string>;
};

export function routeChanges(
  sent: ReadonlyMap<string, string>,
  routes: readonly DesiredRoute[],
  families: { readonly ipv4: boolean; readonly ipv6: boolean },
): RouteChanges {
  const next = new Map<string, string>();
  const announce: Route[] = [];
  for (const r of routes) {
    if (isIPv4(r.prefix.split('/')[0]!) ? !families.ipv4 : !families.ipv6) continue;
    const route: Route = {
      prefix: r.prefix,
      ...(r.localPref === undefined ? {} : { localPref: r.localPref }),
      ...(r.communities.length === 0 ? {} : { communities: r.communities }),
      ...(r.largeCommunities.length === 0 ? {} : { largeCommunities: r.largeCommunities }),
    };
    const text = JSON.stringify(route);
    next.set(r.prefix, text);
    if (sent.get(r.prefix) !== text) announce.push(route);
  }
  const withdraw = [...sent.keys()].filter((prefix) => !next.has(prefix));
  return { announce, withdraw, sent: next };
}
