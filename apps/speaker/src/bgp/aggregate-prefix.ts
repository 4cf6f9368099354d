/**
 * An IP masked to an advertisement's aggregation length, as a prefix text ("203.0.113.0/24").
 * aggregationLength applies to IPv4, aggregationLengthV6 to IPv6 (MetalLB).
 */
import { formatIp, parseIp } from '@baremetal-lb/ipam';

/** Undefined when `ip` is not an IP address. */
export function aggregatePrefix(ip: string, lengthV4: number, lengthV6: number): string | undefined {
  const value = parseIp(ip);
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const length = Math.min(Math.max(lengthV4, 0), 32);
    const hostBits = 32 - length;
    // 2 ** hostBits keeps this in safe integers (no 32-bit shifts, which wrap at 32).
    const block = 2 ** hostBits;
    return `${formatIp(Math.floor(value / block) * block)}/${length}`;
  }
  const length = Math.min(Math.max(lengthV6, 0), 128);
  const hostBits = BigInt(128 - length);
  return `${formatIp((value >> hostBits) << hostBits)}/${length}`;
}
