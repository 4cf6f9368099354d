/**
 * Cheap dispatch for received frames: which decoder applies, read from a few bytes without
 * allocating or throwing. A frame classified as ARP or NDP can still fail to decode.
 */
import { EtherType } from './ethernet-header.ts';
import { ICMPV6_NEXT_HEADER } from './icmpv6-checksum.ts';
import { NdpMessageType } from './ndp-message.ts';

export const FrameKind = {
  arp: 'arp',
  neighborSolicitation: 'neighborSolicitation',
  neighborAdvertisement: 'neighborAdvertisement',
  other: 'other',
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

const MAX_VLAN_TAGS = 2;

/** The kind of frame in `buf[offset, end)`: `'arp'` → decodeArpFrame, NS/NA → decodeNdpFrame. */
export function classifyFrame(buf: Uint8Array, offset = 0, endIndex = buf.length): FrameKind {
  // An `end` past the buffer would read undefined as zeros; the buffer is the hard limit.
  const end = Math.min(endIndex, buf.length);
  let at = offset + 12;
  let type = -1;
  for (let tags = 0; ; tags++) {
    if (at + 2 > end) return FrameKind.other;
    type = (buf[at]! << 8) | buf[at + 1]!;
    if ((type !== EtherType.vlan && type !== EtherType.serviceVlan) || tags === MAX_VLAN_TAGS) break;
    at += 4;
  }
  if (type === EtherType.arp) return FrameKind.arp;
  if (type !== EtherType.ipv6) return FrameKind.other;
  const ip = at + 2;
  // IPv6 next header at +6, ICMPv6 type right after the 40-byte header.
  if (ip + 41 > end || buf[ip + 6] !== ICMPV6_NEXT_HEADER) return FrameKind.other;
  const icmpType = buf[ip + 40];
  if (icmpType === NdpMessageType.neighborSolicitation) return FrameKind.neighborSolicitation;
  if (icmpType === NdpMessageType.neighborAdvertisement) return FrameKind.neighborAdvertisement;
  return FrameKind.other;
}
