/** MAC address text <-> bytes for the socket options that take one (multicast membership). */
import { InvalidArgumentError } from './packet-socket-error.ts';

/** Parses "33:33:ff:00:00:01" (or '-' separated) into 6 bytes; throws InvalidArgumentError. */
export function parseMac(text: string): Buffer {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((part) => !/^[0-9a-fA-F]{2}$/.test(part))) {
    throw new InvalidArgumentError('MAC address', `"${text}" is not six hex bytes`);
  }
  return Buffer.from(parts.map((part) => Number.parseInt(part, 16)));
}

/** Accepts a MAC as text or 6 bytes. */
export function macBytes(mac: string | Uint8Array): Buffer {
  if (typeof mac === 'string') return parseMac(mac);
  if (mac.length !== 6) throw new InvalidArgumentError('MAC address', `${mac.length} bytes, 6 expected`);
  return Buffer.from(mac);
}

/** The solicited-node multicast MAC of an IPv6 address' last 4 bytes: 33:33:ff:xx:xx:xx (RFC 2464, 7). */
export function solicitedNodeMac(ipv6: Uint8Array): Buffer {
  if (ipv6.length !== 16) throw new InvalidArgumentError('IPv6 address', `${ipv6.length} bytes, 16 expected`);
  return Buffer.from([0x33, 0x33, 0xff, ipv6[13]!, ipv6[14]!, ipv6[15]!]);
}
