/**
 * A whole ARP frame as it sits on the wire: Ethernet header (optionally VLAN-tagged), the 28-byte
 * ARP message and the Ethernet pad that brings short frames up to the 60-byte minimum.
 */
import { ARP_PACKET_LENGTH_BYTES, type ArpPacket, decodeArpPacket, writeArpPacket } from './arp-packet.ts';
import { type Codec, encodeWith } from './codec.ts';
import { ArpWireErrorCode, MalformedError, requireRoom, WireLayer } from './errors.ts';
import {
  decodeEthernetHeader,
  type EthernetHeader,
  EtherType,
  ethernetHeaderEncodedLength,
  MIN_FRAME_LENGTH_BYTES,
  writeEthernetHeader,
} from './ethernet-header.ts';

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
  const ethernet = decodeEthernetHeader(buf, offset, end);
  if (ethernet.etherType !== EtherType.arp) {
    throw new MalformedError(
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
