/**
 * MetalLB's rule for aggregationLength (validateBGPAdvPerPool): an aggregate route may only
 * cover addresses of the pool, so every pool entry must be a union of whole aggregate blocks. For
 * a CIDR that means a prefix length not longer than the aggregation length; for a range, both ends
 * on block boundaries (198.51.100.0/24 with length 24 is fine, 198.51.100.0/26 is not: its /24
 * would attract traffic for 192 addresses the cluster does not own).
 */
import { type AddressRange, IpFamily, parseAddressEntry } from '@baremetal-lb/ipam';
import type { ConfiguredPool } from './resolve-pools.ts';

function alignedTo(range: AddressRange, length: number): boolean {
  if (typeof range.first === 'number' && typeof range.last === 'number') {
    const block = 2 ** (32 - length);
    return range.first % block === 0 && (range.last + 1) % block === 0;
  }
  const block = 1n << BigInt(128 - length);
  return BigInt(range.first) % block === 0n && (BigInt(range.last) + 1n) % block === 0n;
}

/** Why the pool cannot be aggregated to these lengths, or undefined when it can. */
export function aggregationProblem(
  pool: ConfiguredPool,
  lengths: { readonly v4: number; readonly v6: number },
): string | undefined {
  for (const entry of pool.spec.addresses) {
    const parsed = parseAddressEntry(entry);
    if (!parsed.ok) continue;
    const length = parsed.range.family === IpFamily.ipv4 ? lengths.v4 : lengths.v6;
    if (!alignedTo(parsed.range, length)) {
      return `pool "${pool.name}" entry "${entry}" is not made of whole /${length} blocks, so a /${length} aggregate would cover addresses outside the pool`;
    }
  }
  return undefined;
}
