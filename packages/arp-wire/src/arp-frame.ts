/**
 * A whole ARP frame as it sits on the wire: Ethernet header (optionally VLAN-tagged), the 28-byte
 * ARP message and the Ethernet pad that brings short frames up to the 60-byte minimum.
 */
import {
  ARP_PACKET_LENGTH_BYTES,
  type ArpOperation,
  type ArpPacket,
  decodeArpPacket,
  hasSupportedArpHeader,
  readArpAddresses,
  writeArpPacket,
} from './arp-packet.ts';
import { type Codec, encodeWith } from './codec.ts';
import { ArpWireErrorCode, requireRoom, throwMalformed, WireLayer } from './errors.ts';
import {
  decodeEthernetHeader,
  ETHERNET_HEADER_LENGTH_BYTES,
  type EthernetHeader,
  EtherType,
  ethernetHeaderEncodedLength,
  MIN_FRAME_LENGTH_BYTES,
  NO_VLAN_TAGS,
  writeEthernetHeader,
} from './ethernet-header.ts';
import { readMac } from './mac-address.ts';

export type ArpFrame = {
  readonly ethernet: EthernetHeader<typeof EtherType.arp>;
  readonly arp: ArpPacket;
  /**
   * Bytes after the ARP message up to the end of the frame: the Ethernet pad (IEEE 802.3), and
   * whatever trailer a sender appended. Encoded as zeros, so a sender's garbage is never echoed.
   */
  readonly paddingLength: number;
};

/** Pad bytes that bring a frame of `unpaddedLength` bytes to the 60-byte Ethernet minimum. */
export function minimumPaddingLength(unpaddedLength: number): number {
  return unpaddedLength < MIN_FRAME_LENGTH_BYTES ? MIN_FRAME_LENGTH_BYTES - unpaddedLength : 0;
}

export function arpFrameEncodedLength(frame: ArpFrame): number {
  return ethernetHeaderEncodedLength(frame.ethernet) + ARP_PACKET_LENGTH_BYTES + frame.paddingLength;
}

export function encodeArpFrameInto(frame: ArpFrame, buf: Uint8Array, offset: number): number {
  const length = arpFrameEncodedLength(frame);
  requireRoom(buf, offset, length);
  const headerLength = writeEthernetHeader(frame.ethernet, buf, offset);
  writeArpPacket(frame.arp, buf, offset + headerLength);
  for (let i = offset + headerLength + ARP_PACKET_LENGTH_BYTES; i < offset + length; i++) buf[i] = 0;
  return length;
}

export function decodeArpFrame(buf: Uint8Array, offset = 0, endIndex = buf.length): ArpFrame {
  // An `end` past the buffer would read undefined as zeros; the buffer is the hard limit.
  const end = Math.min(endIndex, buf.length);
  // Fast path for the common case, an untagged frame with a supported header: one length check,
  // no per-field checks. Anything else takes the general path, which names the exact problem.
  const arpOffset = offset + ETHERNET_HEADER_LENGTH_BYTES;
  if (
    offset >= 0 &&
    arpOffset + ARP_PACKET_LENGTH_BYTES <= end &&
    buf[offset + 12] === EtherType.arp >>> 8 &&
    buf[offset + 13] === (EtherType.arp & 0xff) &&
    hasSupportedArpHeader(buf, arpOffset)
  ) {
    return {
      ethernet: {
        destination: readMac(buf, offset),
        source: readMac(buf, offset + 6),
        vlanTags: NO_VLAN_TAGS,
        etherType: EtherType.arp,
      },
      arp: readArpAddresses(buf, arpOffset, buf[arpOffset + 7] as ArpOperation),
      paddingLength: end - arpOffset - ARP_PACKET_LENGTH_BYTES,
    };
  }
  return decodeTaggedOrInvalidArpFrame(buf, offset, end);
}

function decodeTaggedOrInvalidArpFrame(buf: Uint8Array, offset: number, end: number): ArpFrame {
  const ethernet = decodeEthernetHeader(buf, offset, end);
  if (ethernet.etherType !== EtherType.arp) {
    throwMalformed(
      ArpWireErrorCode.ethernetUnexpectedEtherType,
      WireLayer.ethernet,
      offset + 12 + 4 * ethernet.vlanTags.length,
      'etherType',
      ethernet.etherType,
      '0x0806 (ARP)',
    );
  }
  const arpOffset = offset + ethernetHeaderEncodedLength(ethernet);
  const arp = decodeArpPacket(buf, arpOffset, end);
  return {
    ethernet: ethernet as EthernetHeader<typeof EtherType.arp>,
    arp,
    paddingLength: end - arpOffset - ARP_PACKET_LENGTH_BYTES,
  };
}

export const arpFrameCodec: Codec<ArpFrame> = {
  encodedLength: arpFrameEncodedLength,
  encodeInto: encodeArpFrameInto,
  encode: encodeWith(arpFrameEncodedLength, encodeArpFrameInto),
  decode: decodeArpFrame,
};
