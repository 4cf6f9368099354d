/**
 * IPv6 addresses as 16-byte Uint8Arrays (RFC 4291 section 2.2 text form for parse/format, the
 * RFC 5952 canonical form for output), and the multicast mappings NDP needs: the solicited-node
 * address (RFC 4291 section 2.7.1) and the Ethernet multicast MAC (RFC 2464 section 7).
 */
import { AddressParseError, ArpWireErrorCode } from './errors.ts';
import type { MacAddress } from './mac-address.ts';

/** An IPv6 address: exactly 16 bytes, network order. Values from this package are never shared. */
export type Ipv6Address = Uint8Array;

/** Copies 16 bytes at `offset` into a new address (the caller has checked the length). */
export function readIpv6(buf: Uint8Array, offset: number): Ipv6Address {
  const address = new Uint8Array(16);
  for (let i = 0; i < 16; i++) address[i] = buf[offset + i]!;
  return address;
}

/** A new address with the bytes of `address` (Buffer#slice would share memory; this never does). */
export function copyIpv6(address: Ipv6Address): Ipv6Address {
  return readIpv6(address, 0);
}

/** Writes the 16 bytes of `address` at `offset` (the caller has checked the room). */
export function writeIpv6(buf: Uint8Array, offset: number, address: Ipv6Address): void {
  for (let i = 0; i < 16; i++) buf[offset + i] = address[i]!;
}

/** Whether `value` is a 16-byte Uint8Array. */
export function isIpv6Address(value: unknown): value is Ipv6Address {
  return value instanceof Uint8Array && value.length === 16;
}

/** Byte-wise equality. */
export function equalIpv6(a: Ipv6Address, b: Ipv6Address): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** :: (RFC 4291 section 2.5.2), the source of a duplicate-address-detection solicitation. */
export function isUnspecifiedIpv6(address: Ipv6Address): boolean {
  for (let i = 0; i < 16; i++) if (address[i] !== 0) return false;
  return true;
}

/** ff00::/8 (RFC 4291 section 2.7). */
export function isMulticastIpv6(address: Ipv6Address): boolean {
  return address[0] === 0xff;
}

/** A new `::` address. */
export function unspecifiedIpv6(): Ipv6Address {
  return new Uint8Array(16);
}

/** A new ff02::1, the link-local all-nodes group (RFC 4291 section 2.7.1). */
export function allNodesIpv6(): Ipv6Address {
  const address = new Uint8Array(16);
  address[0] = 0xff;
  address[1] = 0x02;
  address[15] = 0x01;
  return address;
}

/** ff02::1:ffXX:XXXX, the solicited-node group of `address` (RFC 4291 section 2.7.1). */
export function solicitedNodeAddress(address: Ipv6Address): Ipv6Address {
  const group = new Uint8Array(16);
  group[0] = 0xff;
  group[1] = 0x02;
  group[11] = 0x01;
  group[12] = 0xff;
  group[13] = address[13]!;
  group[14] = address[14]!;
  group[15] = address[15]!;
  return group;
}

/** 33:33 followed by the low 32 bits of a multicast `group` (RFC 2464 section 7). */
export function ipv6MulticastMac(group: Ipv6Address): MacAddress {
  return (
    0x3333_0000_0000 + (((group[12]! << 24) | (group[13]! << 16) | (group[14]! << 8) | group[15]!) >>> 0)
  );
}

/** 33:33:ff:XX:XX:XX, the MAC of the solicited-node group of `address`. */
export function solicitedNodeMulticastMac(address: Ipv6Address): MacAddress {
  return 0x3333_ff00_0000 + ((address[13]! << 16) | (address[14]! << 8) | address[15]!);
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** Parses the RFC 4291 text forms, including `::` compression and a trailing dotted IPv4 part. */
export function parseIpv6(text: string): Ipv6Address {
  const fail = (): never => {
    throw new AddressParseError(ArpWireErrorCode.invalidIpv6Address, 'IPv6', text);
  };
  const halves = text.split('::');
  if (halves.length > 2) fail();
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const words: number[] = [];
  const parseGroups = (groups: string[], allowIpv4Tail: boolean): number[] => {
    const out: number[] = [];
    groups.forEach((group, index) => {
      if (allowIpv4Tail && index === groups.length - 1 && group.includes('.')) {
        const octets = group.split('.');
        if (octets.length !== 4) fail();
        const bytes = octets.map((octet) =>
          /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/.test(octet) ? Number(octet) : fail(),
        );
        out.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
      } else {
        if (!HEX_GROUP.test(group)) fail();
        out.push(Number.parseInt(group, 16));
      }
    });
    return out;
  };
  const headWords = parseGroups(head, halves.length === 1);
  const tailWords = parseGroups(tail, true);
  if (halves.length === 1) {
    if (headWords.length !== 8) fail();
    words.push(...headWords);
  } else {
    // `::` stands for at least one zero group (RFC 4291 section 2.2, 2.).
    const zeros = 8 - headWords.length - tailWords.length;
    if (zeros < 1) fail();
    words.push(...headWords, ...new Array<number>(zeros).fill(0), ...tailWords);
  }
  const address = new Uint8Array(16);
  words.forEach((word, index) => {
    address[index * 2] = word >>> 8;
    address[index * 2 + 1] = word & 0xff;
  });
  return address;
}

/**
 * Formats in the RFC 5952 canonical form: lower-case hex, no leading zeros, the longest run of two
 * or more zero groups (the first of equal runs) compressed to `::`.
 */
export function formatIpv6(address: Ipv6Address): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((address[i * 2]! << 8) | address[i * 2 + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && words[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
