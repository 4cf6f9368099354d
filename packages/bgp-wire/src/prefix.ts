/**
 * NLRI prefixes (RFC 4271 section 4.3, RFC 4760 section 5): a length in bits, then the fewest
 * octets that hold it. Addresses are kept exactly as sent, bits past the length included, so a
 * decoded prefix re-encodes byte for byte; routers send them as zero.
 */
import type { Ipv4Address, Ipv6Address } from '@baremetal-lb/arp-wire';

export type Ipv4Prefix = { readonly address: Ipv4Address; readonly length: number };
export type Ipv6Prefix = { readonly address: Ipv6Address; readonly length: number };

/** Encoded bytes of `prefixes` (each a length octet, then the fewest octets that hold it). */
export function prefixesEncodedLength(prefixes: readonly { readonly length: number }[]): number {
  let total = 0;
  for (let i = 0; i < prefixes.length; i++) total += 1 + ((prefixes[i]!.length + 7) >>> 3);
  return total;
}

export function writeIpv4Prefixes(buf: Uint8Array, at: number, prefixes: readonly Ipv4Prefix[]): number {
  for (let i = 0; i < prefixes.length; i++) {
    const { address, length } = prefixes[i]!;
    buf[at++] = length;
    const bytes = (length + 7) >>> 3;
    for (let b = 0; b < bytes; b++) buf[at++] = (address >>> (24 - 8 * b)) & 0xff;
  }
  return at;
}

export function writeIpv6Prefixes(buf: Uint8Array, at: number, prefixes: readonly Ipv6Prefix[]): number {
  for (let i = 0; i < prefixes.length; i++) {
    const { address, length } = prefixes[i]!;
    buf[at++] = length;
    const bytes = (length + 7) >>> 3;
    for (let b = 0; b < bytes; b++) buf[at++] = address[b]!;
  }
  return at;
}

/**
 * Reads IPv4 prefixes from `buf[at, end)` into `out`. Returns the offset of the first bad prefix
 * (length over 32 or running past `end`), or -1 when the whole field parsed.
 */
export function readIpv4Prefixes(buf: Uint8Array, at: number, end: number, out: Ipv4Prefix[]): number {
  while (at < end) {
    const length = buf[at]!;
    const bytes = (length + 7) >>> 3;
    if (length > 32 || at + 1 + bytes > end) return at;
    let address = 0;
    for (let b = 0; b < bytes; b++) address |= buf[at + 1 + b]! << (24 - 8 * b);
    out.push({ address: address >>> 0, length });
    at += 1 + bytes;
  }
  return -1;
}

/** As readIpv4Prefixes, for IPv6 (length up to 128); addresses are fresh 16-byte arrays. */
export function readIpv6Prefixes(buf: Uint8Array, at: number, end: number, out: Ipv6Prefix[]): number {
  while (at < end) {
    const length = buf[at]!;
    const bytes = (length + 7) >>> 3;
    if (length > 128 || at + 1 + bytes > end) return at;
    const address = new Uint8Array(16);
    for (let b = 0; b < bytes; b++) address[b] = buf[at + 1 + b]!;
    out.push({ address, length });
    at += 1 + bytes;
  }
  return -1;
}
