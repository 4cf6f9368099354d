/**
 * ARP for Ethernet and IPv4 (RFC 826), the only combination a layer-2 speaker meets. Any other
 * hardware type, protocol type or address length is rejected with a typed error rather than
 * parsed with the wrong layout.
 *
 *   0       2       4   5   6       8             14        18            24        28
 *   +-------+-------+---+---+-------+-------------+---------+-------------+---------+
 *   | htype | ptype |hln|pln| oper  | sender MAC  | sender IP| target MAC | target IP|
 *   +-------+-------+---+---+-------+-------------+---------+-------------+---------+
 *     = 1    =0x0800  6   4   1|2
 */
import { type Codec, encodeWith } from './codec.ts';
import { ArpWireErrorCode, requireBytes, requireRoom, throwMalformed, WireLayer } from './errors.ts';
import { EtherType } from './ethernet-header.ts';
import { type Ipv4Address, readIpv4, writeIpv4 } from './ipv4-address.ts';
import { type MacAddress, readMac, writeMac } from './mac-address.ts';

/** ARP opcodes (RFC 826; IANA "Operation Codes"). */
export const ArpOperation = { request: 1, reply: 2 } as const;
export type ArpOperation = (typeof ArpOperation)[keyof typeof ArpOperation];

/** ARP hardware type for Ethernet (IANA "Hardware Types"). */
export const ARP_HARDWARE_TYPE_ETHERNET = 1;
/** Length of an Ethernet/IPv4 ARP message. */
export const ARP_PACKET_LENGTH_BYTES = 28;
const ARP_FIXED_HEADER_LENGTH_BYTES = 8;

/** An Ethernet/IPv4 ARP message. */
export type ArpPacket = {
  readonly operation: ArpOperation;
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  readonly targetMac: MacAddress;
  readonly targetIp: Ipv4Address;
};

export function arpPacketEncodedLength(_packet: ArpPacket): number {
  return ARP_PACKET_LENGTH_BYTES;
}

export function encodeArpPacketInto(packet: ArpPacket, buf: Uint8Array, offset: number): number {
  requireRoom(buf, offset, ARP_PACKET_LENGTH_BYTES);
  return writeArpPacket(packet, buf, offset);
}

/**
 * Writes without a room check (frame encoders check once for the whole frame). MACs and IPv4
 * addresses can be doubles, and V8 boxes a double passed to a call it did not inline, so the hot
 * writers pass them only to the tiny writeMac/writeIpv4, which are always inlined.
 */
export function writeArpPacket(packet: ArpPacket, buf: Uint8Array, offset: number): number {
  writeArpHeader(buf, offset, packet.operation);
  writeMac(buf, offset + 8, packet.senderMac);
  writeIpv4(buf, offset + 14, packet.senderIp);
  writeMac(buf, offset + 18, packet.targetMac);
  writeIpv4(buf, offset + 24, packet.targetIp);
  return ARP_PACKET_LENGTH_BYTES;
}

/** The 8 fixed bytes: Ethernet, IPv4, lengths 6 and 4, and the opcode. */
export function writeArpHeader(buf: Uint8Array, offset: number, operation: ArpOperation): void {
  buf[offset] = 0;
  buf[offset + 1] = ARP_HARDWARE_TYPE_ETHERNET;
  buf[offset + 2] = EtherType.ipv4 >>> 8;
  buf[offset + 3] = EtherType.ipv4 & 0xff;
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  buf[offset + 6] = 0;
  buf[offset + 7] = operation;
}

export function decodeArpPacket(buf: Uint8Array, offset = 0, endIndex = buf.length): ArpPacket {
  // An `end` past the buffer would read undefined as zeros; the buffer is the hard limit.
  const end = Math.min(endIndex, buf.length);
  requireBytes(ArpWireErrorCode.arpTruncated, WireLayer.arp, offset, ARP_FIXED_HEADER_LENGTH_BYTES, end);
  const hardwareType = (buf[offset]! << 8) | buf[offset + 1]!;
  if (hardwareType !== ARP_HARDWARE_TYPE_ETHERNET) {
    throwMalformed(
      ArpWireErrorCode.arpUnsupportedHardwareType,
      WireLayer.arp,
      offset,
      'hardwareType',
      hardwareType,
      '1 (Ethernet)',
    );
  }
  const protocolType = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  if (protocolType !== EtherType.ipv4) {
    throwMalformed(
      ArpWireErrorCode.arpUnsupportedProtocolType,
      WireLayer.arp,
      offset + 2,
      'protocolType',
      protocolType,
      '0x0800 (IPv4)',
    );
  }
  if (buf[offset + 4] !== 6) {
    throwMalformed(
      ArpWireErrorCode.arpUnsupportedAddressLength,
      WireLayer.arp,
      offset + 4,
      'hardwareLength',
      buf[offset + 4]!,
      '6',
    );
  }
  if (buf[offset + 5] !== 4) {
    throwMalformed(
      ArpWireErrorCode.arpUnsupportedAddressLength,
      WireLayer.arp,
      offset + 5,
      'protocolLength',
      buf[offset + 5]!,
      '4',
    );
  }
  const operation = (buf[offset + 6]! << 8) | buf[offset + 7]!;
  if (operation !== ArpOperation.request && operation !== ArpOperation.reply) {
    throwMalformed(
      ArpWireErrorCode.arpUnsupportedOperation,
      WireLayer.arp,
      offset + 6,
      'operation',
      operation,
      '1 (request) or 2 (reply)',
    );
  }
  requireBytes(ArpWireErrorCode.arpTruncated, WireLayer.arp, offset, ARP_PACKET_LENGTH_BYTES, end);
  return readArpAddresses(buf, offset, operation);
}

/** Whether the 8 fixed bytes at `offset` are Ethernet/IPv4 with lengths 6 and 4 and opcode 1 or 2. */
export function hasSupportedArpHeader(buf: Uint8Array, offset: number): boolean {
  const operation = buf[offset + 7];
  return (
    buf[offset] === 0 &&
    buf[offset + 1] === ARP_HARDWARE_TYPE_ETHERNET &&
    buf[offset + 2] === EtherType.ipv4 >>> 8 &&
    buf[offset + 3] === (EtherType.ipv4 & 0xff) &&
    buf[offset + 4] === 6 &&
    buf[offset + 5] === 4 &&
    buf[offset + 6] === 0 &&
    (operation === ArpOperation.request || operation === ArpOperation.reply)
  );
}

/** The packet at `offset`, whose header has been checked and whose 28 bytes are present. */
export function readArpAddresses(buf: Uint8Array, offset: number, operation: ArpOperation): ArpPacket {
  return {
    operation,
    senderMac: readMac(buf, offset + 8),
    senderIp: readIpv4(buf, offset + 14),
    targetMac: readMac(buf, offset + 18),
    targetIp: readIpv4(buf, offset + 24),
  };
}

/** RFC 5227 section 2.1.1: an ARP Probe is a request with an all-zero sender IP. */
export function isArpProbe(packet: ArpPacket): boolean {
  return packet.operation === ArpOperation.request && packet.senderIp === 0;
}

/**
 * Gratuitous ARP (RFC 5227 section 2.3 "ARP Announcement", RFC 5944 section 4.6): request or
 * reply whose sender and target IP are the same, non-zero address.
 */
export function isGratuitousArp(packet: ArpPacket): boolean {
  return packet.senderIp !== 0 && packet.senderIp === packet.targetIp;
}

export const arpPacketCodec: Codec<ArpPacket> = {
  encodedLength: arpPacketEncodedLength,
  encodeInto: encodeArpPacketInto,
  encode: encodeWith(arpPacketEncodedLength, encodeArpPacketInto),
  decode: decodeArpPacket,
};
