/**
 * Which nodes may announce an IP of a given pool for a given Service, on which interfaces and with
 * what preference: the union over every advertisement that covers the pool and selects the
 * Service. Interfaces are unioned, and an advertisement without interfaces ("all") wins; preferred
 * weights are summed over the matching advertisements (MetalLB's rules; see metallb-compat.md).
 */
import { type Labels, matchesLabelSelector } from '@baremetal-lb/ipam';
import type { ResolvedL2Advertisement } from './resolve-l2-advertisements.ts';

export type NodeL2Plan = {
  /** `all`: every eligible interface of the node. */
  readonly interfaces: 'all' | readonly string[];
  readonly preference: number;
  /** Names of the advertisements that put the node here, sorted. */
  readonly advertisements: readonly string[];
};

/** Empty when no advertisement covers the pool and the Service: nobody announces. */
export function selectL2ForService(
  advertisements: readonly ResolvedL2Advertisement[],
  pool: string,
  serviceLabels: Labels | undefined,
): ReadonlyMap<string, NodeL2Plan> {
  const plans = new Map<
    string,
    { interfaces: 'all' | Set<string>; preference: number; advertisements: string[] }
  >();
  for (const advertisement of advertisements) {
    if (!advertisement.pools.includes(pool)) continue;
    const selectors = advertisement.serviceSelectors;
    if (selectors.length > 0 && !selectors.some((selector) => matchesLabelSelector(serviceLabels, selector)))
      continue;
    for (const node of advertisement.nodes) {
      const plan = plans.get(node) ?? { interfaces: new Set<string>(), preference: 0, advertisements: [] };
      if (advertisement.interfaces.length === 0) plan.interfaces = 'all';
      else if (plan.interfaces !== 'all')
        for (const name of advertisement.interfaces) plan.interfaces.add(name);
      plan.preference += advertisement.nodePreference.get(node) ?? 0;
      plan.advertisements.push(advertisement.name);
      plans.set(node, plan);
    }
  }
  const result = new Map<string, NodeL2Plan>();
  for (const [node, plan] of [...plans].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    result.set(node, {
      interfaces: plan.interfaces === 'all' ? 'all' : [...plan.interfaces].sort(),
      preference: plan.preference,
      advertisements: plan.advertisements.sort(),
    });
  }
  return result;
}
