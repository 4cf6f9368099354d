/**
 * Prefix and address text → bgp-wire values (IPv4 as unsigned 32-bit numbers, IPv6 as 16 bytes),
 * with arp-wire's address parsers; failures become ERR_BGP_INVALID_ROUTE.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  formatIpv4,
  formatIpv6,
  parseIpv4 as parseIpv4Text,
  parseIpv6 as parseIpv6Text,
} from '@baremetal-lb/arp-wire';
import type { Ipv4Prefix, Ipv6Prefix } from '@baremetal-lb/bgp-wire';
import { BgpError, BgpErrorCode } from './bgp-error.ts';

export type ParsedPrefix =
  | { readonly family: 4; readonly key: string; readonly prefix: Ipv4Prefix }
  | { readonly family: 6; readonly key: string; readonly prefix: Ipv6Prefix };

const invalid = (text: string, why: string) =>
  new BgpError(BgpErrorCode.invalidRoute, `prefix "${text}": ${why}`);

export function parseIpv4(text: string): number {
  if (!isIPv4(text)) throw new BgpError(BgpErrorCode.invalidRoute, `"${text}" is not an IPv4 address`);
  return parseIpv4Text(text);
}

export function parseIpv6(text: string): Uint8Array {
  if (!isIPv6(text) || text.includes('%'))
    throw new BgpError(BgpErrorCode.invalidRoute, `"${text}" is not an IPv6 address`);
  return parseIpv6Text(text);
}

/**
 * "198.51.100.7/32" or "2001:db8::7/128" (a bare address means a host route). Host bits must be
 * zero: announcing 198.51.100.7/24 is a mistake the caller should hear about. `key` is the
 * canonical text (RFC 5952 for IPv6), so equal prefixes written differently are one route.
 */
export function parsePrefix(text: string): ParsedPrefix {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const lengthText = slash === -1 ? undefined : text.slice(slash + 1);
  if (lengthText !== undefined && !/^\d{1,3}$/.test(lengthText)) throw invalid(text, 'bad prefix length');
  if (isIPv4(address)) {
    const length = lengthText === undefined ? 32 : Number(lengthText);
    if (length > 32) throw invalid(text, 'length over 32');
    const value = parseIpv4(address);
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    if ((value & ~mask) >>> 0 !== 0) throw invalid(text, 'host bits set');
    return { family: 4, key: `${formatIpv4(value)}/${length}`, prefix: { address: value, length } };
  }
  if (isIPv6(address)) {
    const length = lengthText === undefined ? 128 : Number(lengthText);
    if (length > 128) throw invalid(text, 'length over 128');
    const bytes = parseIpv6(address);
    for (let bit = length; bit < 128; bit++) {
      if (bytes[bit >>> 3]! & (0x80 >>> (bit & 7))) throw invalid(text, 'host bits set');
    }
    return { family: 6, key: `${formatIpv6(bytes)}/${length}`, prefix: { address: bytes, length } };
  }
  throw invalid(text, 'not an IPv4 or IPv6 prefix');
}
