/**
 * The ARP frames a layer-2 speaker sends: the reply to a request for an address it announces, and
 * the gratuitous ARP burst (as request and as reply) when it takes an address over.
 */
import { type ArpFrame, minimumPaddingLength } from './arp-frame.ts';
import { ARP_PACKET_LENGTH_BYTES, ArpOperation, writeArpHeader } from './arp-packet.ts';
import { requireRoom } from './errors.ts';
import {
  ETHERNET_HEADER_LENGTH_BYTES,
  EtherType,
  NO_VLAN_TAGS,
  type VlanTag,
  writeVlanTagsAndType,
} from './ethernet-header.ts';
import { type Ipv4Address, writeIpv4 } from './ipv4-address.ts';
import { BROADCAST_MAC, type MacAddress, writeMac, ZERO_MAC } from './mac-address.ts';

/** What a gratuitous ARP announces. */
export type GratuitousArpOptions = {
  /** The interface MAC that now owns `ip`. */
  readonly mac: MacAddress;
  readonly ip: Ipv4Address;
  /** Tags of the VLAN to send on; untagged when omitted. */
  readonly vlanTags?: readonly VlanTag[];
};

function paddingFor(vlanTags: readonly VlanTag[]): number {
  return minimumPaddingLength(ETHERNET_HEADER_LENGTH_BYTES + 4 * vlanTags.length + ARP_PACKET_LENGTH_BYTES);
}

/**
 * The reply to `request` saying that `request.arp.targetIp` is at `ourMac` (RFC 826 "Packet
 * Reception"): sent unicast to the requester's sender hardware address, on the request's VLAN,
 * with the request's sender as target. Checking that the target IP is ours is the caller's job.
 */
export function buildArpReply(request: ArpFrame, ourMac: MacAddress): ArpFrame {
  const vlanTags = request.ethernet.vlanTags;
  return {
    ethernet: { destination: request.arp.senderMac, source: ourMac, vlanTags, etherType: EtherType.arp },
    arp: {
      operation: ArpOperation.reply,
      senderMac: ourMac,
      senderIp: request.arp.targetIp,
      targetMac: request.arp.senderMac,
      targetIp: request.arp.senderIp,
    },
    paddingLength: paddingFor(vlanTags),
  };
}

/**
 * Writes the bytes of `buildArpReply(request, ourMac)` at `offset` without allocating anything and
 * returns the bytes written (always 60: the ARP message plus up to two tags fits the minimum).
 */
export function encodeArpReplyInto(
  request: ArpFrame,
  ourMac: MacAddress,
  buf: Uint8Array,
  offset: number,
): number {
  const vlanTags = request.ethernet.vlanTags;
  const headerLength = ETHERNET_HEADER_LENGTH_BYTES + 4 * vlanTags.length;
  const unpadded = headerLength + ARP_PACKET_LENGTH_BYTES;
  const length = unpadded + minimumPaddingLength(unpadded);
  requireRoom(buf, offset, length);
  const arp = request.arp;
  // The reply's fields, written straight from the request without building the reply object.
  writeMac(buf, offset, arp.senderMac);
  writeMac(buf, offset + 6, ourMac);
  const at = writeVlanTagsAndType(buf, offset + 12, vlanTags, EtherType.arp);
  writeArpHeader(buf, at, ArpOperation.reply);
  writeMac(buf, at + 8, ourMac);
  writeIpv4(buf, at + 14, arp.targetIp);
  writeMac(buf, at + 18, arp.senderMac);
  writeIpv4(buf, at + 24, arp.senderIp);
  for (let i = offset + unpadded; i < offset + length; i++) buf[i] = 0;
  return length;
}

function buildGratuitousArp(
  operation: ArpOperation,
  targetMac: MacAddress,
  options: GratuitousArpOptions,
): ArpFrame {
  const vlanTags = options.vlanTags ?? NO_VLAN_TAGS;
  return {
    ethernet: { destination: BROADCAST_MAC, source: options.mac, vlanTags, etherType: EtherType.arp },
    arp: { operation, senderMac: options.mac, senderIp: options.ip, targetMac, targetIp: options.ip },
    paddingLength: paddingFor(vlanTags),
  };
}

/**
 * Gratuitous ARP request, the RFC 5227 section 2.3 "ARP Announcement": broadcast, sender IP =
 * target IP = the announced address, target hardware address all zeros.
 */
export function buildGratuitousArpRequest(options: GratuitousArpOptions): ArpFrame {
  return buildGratuitousArp(ArpOperation.request, ZERO_MAC, options);
}

/**
 * Gratuitous ARP reply (RFC 5944 section 4.6): broadcast, sender IP = target IP = the announced
 * address, and the target hardware address set to the new owner's MAC as that section asks.
 */
export function buildGratuitousArpReply(options: GratuitousArpOptions): ArpFrame {
  return buildGratuitousArp(ArpOperation.reply, options.mac, options);
}

/** What an ordinary ARP request asks: "who has `targetIp`? tell `senderIp` at `senderMac`". */
export type ArpRequestOptions = {
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  readonly targetIp: Ipv4Address;
  /** Tags of the VLAN to send on; untagged when omitted. */
  readonly vlanTags?: readonly VlanTag[];
};

/**
 * An ARP request (RFC 826): broadcast from `senderMac`, target hardware address all zeros
 * (unknown, which is what is asked), padded to the Ethernet minimum.
 */
export function buildArpRequest(options: ArpRequestOptions): ArpFrame {
  const vlanTags = options.vlanTags ?? NO_VLAN_TAGS;
  return {
    ethernet: { destination: BROADCAST_MAC, source: options.senderMac, vlanTags, etherType: EtherType.arp },
    arp: {
      operation: ArpOperation.request,
      senderMac: options.senderMac,
      senderIp: options.senderIp,
      targetMac: ZERO_MAC,
      targetIp: options.targetIp,
    },
    paddingLength: paddingFor(vlanTags),
  };
}

/**
 * RFC 5227 section 2.1.1 ARP Probe, to ask whether anyone else uses `ip` before announcing it:
 * an ARP request with sender IP 0.0.0.0 and the probed address as target.
 */
export function buildArpProbe(options: GratuitousArpOptions): ArpFrame {
  return buildArpRequest({
    senderMac: options.mac,
    senderIp: 0,
    targetIp: options.ip,
    ...(options.vlanTags === undefined ? {} : { vlanTags: options.vlanTags }),
  });
}
