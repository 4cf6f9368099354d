/**
 * A whole NDP frame: Ethernet header (optionally VLAN-tagged), IPv6 header (RFC 8200 section 3),
 * and a Neighbor Solicitation or Advertisement (RFC 4861), plus any bytes after the IPv6 payload.
 *
 * IPv6 header:
 *   0        4            12                    32
 *   +--------+------------+---------------------+
 *   | ver=6  | traffic cl.| flow label          |
 *   +--------+------------+------+--------------+
 *   | payload length (16)        | next=58 | hop limit=255 |
 *   +----------------------------+---------+---------------+
 *   | source address (16 bytes) | destination address (16 bytes) |
 *
 * Decoding enforces RFC 4861 section 7.1: hop limit 255, ICMP code 0, a valid checksum, ICMP
 * length of 24 or more, a non-multicast target, no option of length zero, no Source Link-Layer
 * Address option in a duplicate-address-detection solicitation, and no Solicited flag on an
 * advertisement sent to a multicast group.
 */
import { type Codec, encodeWith } from './codec.ts';
import {
  ArpWireErrorCode,
  ChecksumError,
  requireBytes,
  requireRoom,
  throwMalformed,
  WireLayer,
} from './errors.ts';
import {
  decodeEthernetHeader,
  type EthernetHeader,
  EtherType,
  ethernetHeaderEncodedLength,
  writeEthernetHeader,
} from './ethernet-header.ts';
import { computeIcmpv6Checksum, ICMPV6_NEXT_HEADER, isValidIcmpv6Checksum } from './icmpv6-checksum.ts';
import { isMulticastIpv6, isUnspecifiedIpv6, readIpv6, writeIpv6 } from './ipv6-address.ts';
import {
  IPV6_HEADER_LENGTH_BYTES,
  NDP_HOP_LIMIT,
  NDP_MESSAGE_FIXED_LENGTH_BYTES,
  type NdpIpv6Header,
  type NdpMessage,
  NdpMessageType,
} from './ndp-message.ts';
import {
  decodeNdpOptions,
  findLinkLayerAddress,
  ndpOptionsEncodedLength,
  writeNdpOptions,
} from './ndp-option.ts';

export type NdpFrame = {
  readonly ethernet: EthernetHeader<typeof EtherType.ipv6>;
  readonly ipv6: NdpIpv6Header;
  readonly message: NdpMessage;
  /** Bytes after the IPv6 payload up to the end of the frame (Ethernet pad); encoded as zeros. */
  readonly paddingLength: number;
};

const FLAG_ROUTER = 0x80;
const FLAG_SOLICITED = 0x40;
const FLAG_OVERRIDE = 0x20;

export function ndpFrameEncodedLength(frame: NdpFrame): number {
  return (
    ethernetHeaderEncodedLength(frame.ethernet) +
    IPV6_HEADER_LENGTH_BYTES +
    NDP_MESSAGE_FIXED_LENGTH_BYTES +
    ndpOptionsEncodedLength(frame.message.options) +
    frame.paddingLength
  );
}

export function encodeNdpFrameInto(frame: NdpFrame, buf: Uint8Array, offset: number): number {
  const length = ndpFrameEncodedLength(frame);
  requireRoom(buf, offset, length);
  const ip = offset + writeEthernetHeader(frame.ethernet, buf, offset);
  const icmp = ip + IPV6_HEADER_LENGTH_BYTES;
  const message = frame.message;
  const payloadEnd = icmp + NDP_MESSAGE_FIXED_LENGTH_BYTES + writeNdpOptions(message.options, buf, icmp + 24);
  const payloadLength = payloadEnd - icmp;
  const { trafficClass, flowLabel } = frame.ipv6;
  buf[ip] = 0x60 | ((trafficClass >>> 4) & 0xf);
  buf[ip + 1] = ((trafficClass & 0xf) << 4) | ((flowLabel >>> 16) & 0xf);
  buf[ip + 2] = flowLabel >>> 8;
  buf[ip + 3] = flowLabel;
  buf[ip + 4] = payloadLength >>> 8;
  buf[ip + 5] = payloadLength;
  buf[ip + 6] = ICMPV6_NEXT_HEADER;
  buf[ip + 7] = NDP_HOP_LIMIT;
  writeIpv6(buf, ip + 8, frame.ipv6.source);
  writeIpv6(buf, ip + 24, frame.ipv6.destination);
  buf[icmp] = message.type;
  buf[icmp + 1] = 0;
  buf[icmp + 4] =
    message.type === NdpMessageType.neighborAdvertisement
      ? (message.router ? FLAG_ROUTER : 0) |
        (message.solicited ? FLAG_SOLICITED : 0) |
        (message.override ? FLAG_OVERRIDE : 0)
      : 0;
  buf[icmp + 5] = 0;
  buf[icmp + 6] = 0;
  buf[icmp + 7] = 0;
  writeIpv6(buf, icmp + 8, message.targetAddress);
  for (let i = payloadEnd; i < offset + length; i++) buf[i] = 0;
  const checksum = computeIcmpv6Checksum(buf, ip + 8, icmp, payloadEnd);
  buf[icmp + 2] = checksum >>> 8;
  buf[icmp + 3] = checksum;
  return length;
}

export function decodeNdpFrame(buf: Uint8Array, offset = 0, endIndex = buf.length): NdpFrame {
  // An `end` past the buffer would read undefined as zeros; the buffer is the hard limit.
  const end = Math.min(endIndex, buf.length);
  const ethernet = decodeEthernetHeader(buf, offset, end);
  const ip = offset + ethernetHeaderEncodedLength(ethernet);
  if (ethernet.etherType !== EtherType.ipv6) {
    throwMalformed(
      ArpWireErrorCode.ethernetUnexpectedEtherType,
      WireLayer.ethernet,
      ip - 2,
      'etherType',
      ethernet.etherType,
      '0x86dd (IPv6)',
    );
  }
  requireBytes(ArpWireErrorCode.ipv6Truncated, WireLayer.ipv6, ip, IPV6_HEADER_LENGTH_BYTES, end);
  const version = buf[ip]! >>> 4;
  if (version !== 6)
    throwMalformed(ArpWireErrorCode.ipv6BadVersion, WireLayer.ipv6, ip, 'version', version, '6');
  const nextHeader = buf[ip + 6]!;
  if (nextHeader !== ICMPV6_NEXT_HEADER) {
    throwMalformed(
      ArpWireErrorCode.ipv6UnsupportedNextHeader,
      WireLayer.ipv6,
      ip + 6,
      'nextHeader',
      nextHeader,
      '58 (ICMPv6, no extension headers)',
    );
  }
  const payloadLength = (buf[ip + 4]! << 8) | buf[ip + 5]!;
  const icmp = ip + IPV6_HEADER_LENGTH_BYTES;
  requireBytes(ArpWireErrorCode.ipv6Truncated, WireLayer.ipv6, icmp, payloadLength, end);
  const payloadEnd = icmp + payloadLength;
  requireBytes(ArpWireErrorCode.icmpv6Truncated, WireLayer.icmpv6, icmp, 4, payloadEnd);
  const type = buf[icmp]!;
  if (type !== NdpMessageType.neighborSolicitation && type !== NdpMessageType.neighborAdvertisement) {
    throwMalformed(
      ArpWireErrorCode.ndpUnsupportedType,
      WireLayer.icmpv6,
      icmp,
      'type',
      type,
      '135 (NS) or 136 (NA)',
    );
  }
  const hopLimit = buf[ip + 7]!;
  if (hopLimit !== NDP_HOP_LIMIT) {
    throwMalformed(
      ArpWireErrorCode.ndpBadHopLimit,
      WireLayer.ipv6,
      ip + 7,
      'hopLimit',
      hopLimit,
      '255 (RFC 4861 section 7.1)',
    );
  }
  const code = buf[icmp + 1]!;
  if (code !== 0) throwMalformed(ArpWireErrorCode.ndpBadCode, WireLayer.icmpv6, icmp + 1, 'code', code, '0');
  requireBytes(
    ArpWireErrorCode.ndpTruncated,
    WireLayer.ndp,
    icmp,
    NDP_MESSAGE_FIXED_LENGTH_BYTES,
    payloadEnd,
  );
  const stored = (buf[icmp + 2]! << 8) | buf[icmp + 3]!;
  const computed = computeIcmpv6Checksum(buf, ip + 8, icmp, payloadEnd);
  if (!isValidIcmpv6Checksum(stored, computed)) throw new ChecksumError(icmp + 2, stored, computed);
  const targetAddress = readIpv6(buf, icmp + 8);
  if (isMulticastIpv6(targetAddress)) {
    throwMalformed(
      ArpWireErrorCode.ndpMulticastTarget,
      WireLayer.ndp,
      icmp + 8,
      'targetAddress',
      targetAddress[0]!,
      'a unicast or anycast address',
    );
  }
  const options = decodeNdpOptions(buf, icmp + NDP_MESSAGE_FIXED_LENGTH_BYTES, payloadEnd);
  const ipv6: NdpIpv6Header = {
    trafficClass: ((buf[ip]! & 0xf) << 4) | (buf[ip + 1]! >>> 4),
    flowLabel: ((buf[ip + 1]! & 0xf) << 16) | (buf[ip + 2]! << 8) | buf[ip + 3]!,
    source: readIpv6(buf, ip + 8),
    destination: readIpv6(buf, ip + 24),
  };
  let message: NdpMessage;
  if (type === NdpMessageType.neighborSolicitation) {
    // RFC 4861 section 7.1.1: a solicitation from the unspecified address (duplicate address
    // detection) must not carry a Source Link-Layer Address option.
    if (
      isUnspecifiedIpv6(ipv6.source) &&
      findLinkLayerAddress(options, 'sourceLinkLayerAddress') !== undefined
    ) {
      throwMalformed(
        ArpWireErrorCode.ndpDadWithSourceLinkLayerAddress,
        WireLayer.ndp,
        icmp + 24,
        'options',
        1,
        'no Source Link-Layer Address option when the source is ::',
      );
    }
    message = { type, targetAddress, options };
  } else {
    const flags = buf[icmp + 4]!;
    const solicited = (flags & FLAG_SOLICITED) !== 0;
    // RFC 4861 section 7.1.2: an advertisement to a multicast group has the Solicited flag clear.
    if (solicited && isMulticastIpv6(ipv6.destination)) {
      throwMalformed(
        ArpWireErrorCode.ndpSolicitedToMulticast,
        WireLayer.ndp,
        icmp + 4,
        'solicited',
        1,
        '0 when the destination is multicast',
      );
    }
    message = {
      type,
      router: (flags & FLAG_ROUTER) !== 0,
      solicited,
      override: (flags & FLAG_OVERRIDE) !== 0,
      targetAddress,
      options,
    };
  }
  return {
    ethernet: ethernet as EthernetHeader<typeof EtherType.ipv6>,
    ipv6,
    message,
    paddingLength: end - payloadEnd,
  };
}

export const ndpFrameCodec: Codec<NdpFrame> = {
  encodedLength: ndpFrameEncodedLength,
  encodeInto: encodeNdpFrameInto,
  encode: encodeWith(ndpFrameEncodedLength, encodeNdpFrameInto),
  decode: decodeNdpFrame,
};
