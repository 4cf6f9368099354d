/**
 * IPAddressPools and L2Advertisements → the ConfigView election reads, through packages/config
 * (the one place that knows and validates the CRD shapes): which pool holds an IP, and each
 * advertisement with its pools, nodes and preference weights resolved. An object config rejects is left out
 * on its own (the controller reports why in its status); the rest keeps working.
 */
import { buildConfiguration, type LabeledObject } from '@baremetal-lb/config';
import { type AddressRange, parseAddressEntry, parseIp } from '@baremetal-lb/ipam';
import type { ConfigView } from '../../k8s/build-speaker-state.ts';
import type { IpAddressPoolResource, L2AdvertisementResource } from '../../k8s/metallb-resources.ts';

export function toConfigView(
  pools: readonly IpAddressPoolResource[],
  advertisements: readonly L2AdvertisementResource[],
  nodes: readonly LabeledObject[],
): ConfigView {
  const config = buildConfiguration({ pools, l2Advertisements: advertisements, nodes });
  const ranges = config.pools.map((pool) => ({
    name: pool.name,
    ranges: pool.spec.addresses.flatMap((entry): AddressRange[] => {
      const r = parseAddressEntry(entry);
      return r.ok ? [r.range] : [];
    }),
  }));
  return {
    advertisements: config.l2Advertisements,
    poolOf(ip) {
      const value = parseIp(ip);
      if (value === undefined) return undefined;
      for (const pool of ranges) {
        for (const r of pool.ranges) {
          if (typeof r.first === typeof value && r.first <= value && value <= r.last) return pool.name;
        }
      }
      return undefined;
    },
  };
}
