/**
 * IPAddressPools and L2Advertisements → the ConfigView election reads: which pool holds an IP,
 * and each advertisement with its pool selection resolved to names. A pool entry that does not
 * parse is skipped (that pool can still hold IPs from its good entries); unknown pool names in an
 * advertisement are ignored (MetalLB).
 */
import { type AddressRange, matchesLabelSelector, parseAddressEntry, parseIp } from '@baremetal-lb/ipam';
import type { AdvertisementView } from '../election/speaker-state.ts';
import type { ConfigView } from './build-speaker-state.ts';
import type { IpAddressPoolResource, L2AdvertisementResource } from './metallb-resources.ts';

type PoolRanges = { readonly name: string; readonly ranges: readonly AddressRange[] };

export function toConfigView(
  pools: readonly IpAddressPoolResource[],
  advertisements: readonly L2AdvertisementResource[],
): ConfigView {
  const parsed: PoolRanges[] = [];
  for (const pool of pools) {
    const name = pool.metadata?.name;
    if (name === undefined) continue;
    const ranges: AddressRange[] = [];
    for (const entry of pool.spec?.addresses ?? []) {
      const r = parseAddressEntry(entry);
      if (r.ok) ranges.push(r.range);
    }
    parsed.push({ name, ranges });
  }
  const allPools = parsed.map((p) => p.name);
  const labelsOf = new Map(pools.map((p) => [p.metadata?.name ?? '', p.metadata?.labels ?? {}]));

  const views: AdvertisementView[] = [];
  for (const adv of advertisements) {
    const spec = adv.spec ?? {};
    const names = spec.ipAddressPools ?? [];
    const selectors = spec.ipAddressPoolSelectors ?? [];
    const selected =
      names.length === 0 && selectors.length === 0
        ? allPools
        : allPools.filter(
            (p) => names.includes(p) || selectors.some((s) => matchesLabelSelector(labelsOf.get(p) ?? {}, s)),
          );
    views.push({
      name: adv.metadata?.name ?? '',
      pools: selected,
      nodeSelectors: spec.nodeSelectors ?? [],
      interfaces: spec.interfaces ?? [],
      serviceSelectors: spec.serviceSelectors ?? [],
      preferredNodeSelectors: (spec.preferredNodeSelectors ?? []).map((p) => ({
        weight: p.weight ?? 0,
        preference: p.preference ?? {},
      })),
    });
  }

  return {
    advertisements: views,
    poolOf(ip) {
      const value = parseIp(ip);
      if (value === undefined) return undefined;
      for (const pool of parsed) {
        for (const r of pool.ranges) {
          if (typeof r.first === typeof value && r.first <= value && value <= r.last) return pool.name;
        }
      }
      return undefined;
    },
  };
}
