import { formatIp, parseIp } from '@baremetal-lb/ipam';

/** An IP address in canonical text form, with its family. */
export type CanonicalIp = { readonly ip: string; readonly family: 4 | 6 };

/**
 * Canonical text of `text` (ipam's parser and formatter: RFC 5952 for IPv6), so that the election
 * hash key and map keys agree however the API server spelled the address. Undefined for anything
 * that is not an IP address.
 */
export function canonicalizeIp(text: string): CanonicalIp | undefined {
  const value = parseIp(text);
  if (value === undefined) return undefined;
  return { ip: formatIp(value), family: typeof value === 'number' ? 4 : 6 };
}
