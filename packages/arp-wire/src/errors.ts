/**
 * The one error hierarchy of @baremetal-lb/arp-wire. Every failure a decoder, encoder or address
 * parser can raise is an ArpWireError with a stable `code`; attacker-controlled bytes never cause
 * any other exception.
 */

/** Stable error codes; match on these, never on messages. */
export const ArpWireErrorCode = {
  ethernetTruncated: 'ERR_ETHERNET_TRUNCATED',
  ethernetUnexpectedEtherType: 'ERR_ETHERNET_UNEXPECTED_ETHERTYPE',
  arpTruncated: 'ERR_ARP_TRUNCATED',
  arpUnsupportedHardwareType: 'ERR_ARP_UNSUPPORTED_HARDWARE_TYPE',
  arpUnsupportedProtocolType: 'ERR_ARP_UNSUPPORTED_PROTOCOL_TYPE',
  arpUnsupportedAddressLength: 'ERR_ARP_UNSUPPORTED_ADDRESS_LENGTH',
  arpUnsupportedOperation: 'ERR_ARP_UNSUPPORTED_OPERATION',
  ipv6Truncated: 'ERR_IPV6_TRUNCATED',
  ipv6BadVersion: 'ERR_IPV6_BAD_VERSION',
  ipv6UnsupportedNextHeader: 'ERR_IPV6_UNSUPPORTED_NEXT_HEADER',
  icmpv6Truncated: 'ERR_ICMPV6_TRUNCATED',
  icmpv6BadChecksum: 'ERR_ICMPV6_BAD_CHECKSUM',
  ndpTruncated: 'ERR_NDP_TRUNCATED',
  ndpUnsupportedType: 'ERR_NDP_UNSUPPORTED_TYPE',
  ndpBadCode: 'ERR_NDP_BAD_CODE',
  ndpBadHopLimit: 'ERR_NDP_BAD_HOP_LIMIT',
  ndpMulticastTarget: 'ERR_NDP_MULTICAST_TARGET',
  ndpOptionZeroLength: 'ERR_NDP_OPTION_ZERO_LENGTH',
  ndpDadWithSourceLinkLayerAddress: 'ERR_NDP_DAD_WITH_SOURCE_LINK_LAYER_ADDRESS',
  ndpSolicitedToMulticast: 'ERR_NDP_SOLICITED_TO_MULTICAST',
  encodeBufferTooSmall: 'ERR_ENCODE_BUFFER_TOO_SMALL',
  invalidMacAddress: 'ERR_INVALID_MAC_ADDRESS',
  invalidIpv4Address: 'ERR_INVALID_IPV4_ADDRESS',
  invalidIpv6Address: 'ERR_INVALID_IPV6_ADDRESS',
} as const;
export type ArpWireErrorCode = (typeof ArpWireErrorCode)[keyof typeof ArpWireErrorCode];

/** The protocol layer a wire error was found in. */
export const WireLayer = {
  ethernet: 'ethernet',
  arp: 'arp',
  ipv6: 'ipv6',
  icmpv6: 'icmpv6',
  ndp: 'ndp',
  encode: 'encode',
} as const;
export type WireLayer = (typeof WireLayer)[keyof typeof WireLayer];

/** Base class: everything this package throws is an instance of it. */
export class ArpWireError extends Error {
  readonly code: ArpWireErrorCode;
  constructor(code: ArpWireErrorCode, message: string) {
    super(message);
    this.name = 'ArpWireError';
    this.code = code;
  }
}

/**
 * A frame or message is shorter than its layer needs. `offset` is where the missing field starts
 * (relative to the start of the buffer passed to decode), `needed` how many bytes from `offset`
 * the layer requires and `available` how many there were.
 */
export class TruncatedError extends ArpWireError {
  readonly layer: WireLayer;
  readonly offset: number;
  readonly needed: number;
  readonly available: number;
  constructor(code: ArpWireErrorCode, layer: WireLayer, offset: number, needed: number, available: number) {
    super(code, `"${layer}": needs ${needed} bytes at offset ${offset}, ${Math.max(available, 0)} available`);
    this.name = 'TruncatedError';
    this.layer = layer;
    this.offset = offset;
    this.needed = needed;
    this.available = Math.max(available, 0);
  }
}

/**
 * A field holds a value this package does not accept (unsupported type, wrong length, a
 * violation of an RFC MUST). `field` names it, `offset` is where it sits, `actual` is what was
 * found and `expected` describes what is accepted.
 */
export class MalformedError extends ArpWireError {
  readonly layer: WireLayer;
  readonly offset: number;
  readonly field: string;
  readonly actual: number;
  readonly expected: string;
  constructor(
    code: ArpWireErrorCode,
    layer: WireLayer,
    offset: number,
    field: string,
    actual: number,
    expected: string,
  ) {
    super(code, `"${layer}" field "${field}" at offset ${offset} is ${actual}, expected ${expected}`);
    this.name = 'MalformedError';
    this.layer = layer;
    this.offset = offset;
    this.field = field;
    this.actual = actual;
    this.expected = expected;
  }
}

/** Throws a MalformedError; a function returning `never` keeps each decoder check to one statement. */
export function throwMalformed(...args: ConstructorParameters<typeof MalformedError>): never {
  throw new MalformedError(...args);
}

/** The ICMPv6 checksum (RFC 4443 section 2.3) does not match the message and pseudo-header. */
export class ChecksumError extends ArpWireError {
  readonly layer: WireLayer;
  readonly offset: number;
  readonly actual: number;
  readonly expected: number;
  constructor(offset: number, actual: number, expected: number) {
    super(
      ArpWireErrorCode.icmpv6BadChecksum,
      `"icmpv6" checksum at offset ${offset} is 0x${actual.toString(16).padStart(4, '0')}, expected 0x${expected.toString(16).padStart(4, '0')}`,
    );
    this.name = 'ChecksumError';
    this.layer = WireLayer.icmpv6;
    this.offset = offset;
    this.actual = actual;
    this.expected = expected;
  }
}

/** A textual address (MAC, IPv4, IPv6) could not be parsed. */
export class AddressParseError extends ArpWireError {
  readonly input: string;
  constructor(code: ArpWireErrorCode, kind: string, input: string) {
    super(code, `"${input}" is not a valid ${kind} address`);
    this.name = 'AddressParseError';
    this.input = input;
  }
}

/** Throws TruncatedError unless `length` bytes are available at `offset` before `end`. */
export function requireBytes(
  code: ArpWireErrorCode,
  layer: WireLayer,
  offset: number,
  length: number,
  end: number,
): void {
  if (offset + length > end || offset < 0)
    throw new TruncatedError(code, layer, offset, length, end - offset);
}

/** Throws unless `buf` has room for `length` bytes at `offset` (encoders call it once, up front). */
export function requireRoom(buf: Uint8Array, offset: number, length: number): void {
  if (!(offset >= 0) || offset + length > buf.length) {
    throw new TruncatedError(
      ArpWireErrorCode.encodeBufferTooSmall,
      WireLayer.encode,
      offset,
      length,
      buf.length - offset,
    );
  }
}
