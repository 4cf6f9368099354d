/**
 * MAC-48 addresses (IEEE 802) as plain numbers: the 48 bits as an unsigned integer, first octet
 * most significant. A number is exact up to 2^53, compares with ===, is a valid Map key and costs
 * no allocation on the hot path, unlike a 6-byte array.
 */
import { AddressParseError, ArpWireErrorCode } from './errors.ts';

/** A MAC-48 address as an integer in [0, 2^48). */
export type MacAddress = number;

const TWO_POW_32 = 0x1_0000_0000;

/** ff:ff:ff:ff:ff:ff */
export const BROADCAST_MAC: MacAddress = 0xffff_ffff_ffff;
/** 00:00:00:00:00:00 (RFC 5227: the ignored target hardware address of probes and announcements). */
export const ZERO_MAC: MacAddress = 0;

/** Reads 6 bytes at `offset` (the caller has checked the length). */
export function readMac(buf: Uint8Array, offset: number): MacAddress {
  // The high 16 bits times 2^32 plus the low 32 bits; `>>> 0` keeps the low word unsigned.
  return (
    ((buf[offset]! << 8) | buf[offset + 1]!) * TWO_POW_32 +
    (((buf[offset + 2]! << 24) | (buf[offset + 3]! << 16) | (buf[offset + 4]! << 8) | buf[offset + 5]!) >>> 0)
  );
}

/** Writes 6 bytes at `offset` (the caller has checked the room). */
export function writeMac(buf: Uint8Array, offset: number, mac: MacAddress): void {
  // mac < 2^48, so the quotient truncated by `| 0` is the high 16 bits; `>>> 0` keeps the low 32.
  const high = (mac / TWO_POW_32) | 0;
  const low = mac >>> 0;
  buf[offset] = high >>> 8;
  buf[offset + 1] = high;
  buf[offset + 2] = low >>> 24;
  buf[offset + 3] = low >>> 16;
  buf[offset + 4] = low >>> 8;
  buf[offset + 5] = low;
}

/** Whether `value` is an integer that fits 48 bits. */
export function isMacAddress(value: unknown): value is MacAddress {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= BROADCAST_MAC;
}

/** Group bit (I/G, the low bit of the first octet): multicast or broadcast. */
export function isMulticastMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}

const MAC_PATTERN =
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;

/** Parses `aa:bb:cc:dd:ee:ff` or `aa-bb-cc-dd-ee-ff` (either case). */
export function parseMac(text: string): MacAddress {
  const match = MAC_PATTERN.exec(text);
  if (match === null) throw new AddressParseError(ArpWireErrorCode.invalidMacAddress, 'MAC', text);
  let mac = 0;
  for (const index of [1, 3, 4, 5, 6, 7]) mac = mac * 256 + Number.parseInt(match[index]!, 16);
  return mac;
}

/** Formats as lower-case `aa:bb:cc:dd:ee:ff`. */
export function formatMac(mac: MacAddress): string {
  const hex = mac.toString(16).padStart(12, '0');
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
}

/** The address as 6 new bytes (for APIs that want bytes, e.g. a socket's link-layer address). */
export function macToBytes(mac: MacAddress): Uint8Array {
  const bytes = new Uint8Array(6);
  writeMac(bytes, 0, mac);
  return bytes;
}

/** The address in the first 6 of `bytes`. */
export function macFromBytes(bytes: Uint8Array): MacAddress {
  if (bytes.length < 6)
    throw new AddressParseError(ArpWireErrorCode.invalidMacAddress, 'MAC', `${bytes.length} bytes`);
  return readMac(bytes, 0);
}
