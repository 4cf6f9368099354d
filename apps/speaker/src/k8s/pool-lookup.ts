/**
 * Which configured pool holds an IP (both modes: a Service is announced for its pool's
 * advertisements). Pools come resolved from packages/config; rejected pools are not among them.
 */
import type { ConfiguredPool } from '@baremetal-lb/config';
import { type AddressRange, parseAddressEntry, parseIp } from '@baremetal-lb/ipam';

export function poolLookup(pools: readonly ConfiguredPool[]): (ip: string) => string | undefined {
  const ranges = pools.map((pool) => ({
    name: pool.name,
    ranges: pool.spec.addresses.flatMap((entry): AddressRange[] => {
      const r = parseAddressEntry(entry);
      return r.ok ? [r.range] : [];
    }),
  }));
  return (ip) => {
    const value = parseIp(ip);
    if (value === undefined) return undefined;
    for (const pool of ranges) {
      for (const r of pool.ranges) {
        if (typeof r.first === typeof value && r.first <= value && value <= r.last) return pool.name;
      }
    }
    return undefined;
  };
}
