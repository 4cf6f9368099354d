/**
 * IPv4 addresses as unsigned 32-bit integers (network byte order read as a big-endian number):
 * 192.0.2.1 is 0xc0000201. Cheap to compare, hash and copy.
 */
import { AddressParseError, ArpWireErrorCode } from './errors.ts';

/** An IPv4 address as an integer in [0, 2^32). */
export type Ipv4Address = number;

/** 0.0.0.0, the sender address of an RFC 5227 ARP probe. */
export const UNSPECIFIED_IPV4: Ipv4Address = 0;

/** Reads 4 bytes at `offset` (the caller has checked the length). */
export function readIpv4(buf: Uint8Array, offset: number): Ipv4Address {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

/** Writes 4 bytes at `offset` (the caller has checked the room). */
export function writeIpv4(buf: Uint8Array, offset: number, ip: Ipv4Address): void {
  buf[offset] = ip >>> 24;
  buf[offset + 1] = ip >>> 16;
  buf[offset + 2] = ip >>> 8;
  buf[offset + 3] = ip;
}

/** Whether `value` is an integer that fits 32 bits. */
export function isIpv4Address(value: unknown): value is Ipv4Address {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Parses dotted-decimal `192.0.2.1` (no leading zeros, exactly four octets). */
export function parseIpv4(text: string): Ipv4Address {
  const match = IPV4_PATTERN.exec(text);
  if (match === null) throw new AddressParseError(ArpWireErrorCode.invalidIpv4Address, 'IPv4', text);
  return (
    ((Number(match[1]) << 24) | (Number(match[2]) << 16) | (Number(match[3]) << 8) | Number(match[4])) >>> 0
  );
}

/** Formats as dotted decimal. */
export function formatIpv4(ip: Ipv4Address): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}
