import { isIPv4, isIPv6 } from 'node:net';

/** An IP address in canonical text form, with its family. */
export type CanonicalIp = { readonly ip: string; readonly family: 4 | 6 };

/**
 * Canonical text of `text` (RFC 5952 for IPv6: lower case, longest zero run compressed), so that
 * the election hash key and map keys agree however the API server spelled the address. Undefined
 * for anything that is not an IP address.
 */
export function canonicalizeIp(text: string): CanonicalIp | undefined {
  if (isIPv4(text)) return { ip: text, family: 4 };
  if (!isIPv6(text) || text.includes('%')) return undefined;
  // The WHATWG URL parser serialises IPv6 hosts exactly as RFC 5952 section 4 asks.
  const host = new URL(`http://[${text}]/`).hostname;
  return { ip: host.slice(1, -1), family: 6 };
}
