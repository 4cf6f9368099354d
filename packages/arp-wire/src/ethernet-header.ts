/**
 * Ethernet II header (IEEE 802.3 clause 3.2.6 "Length/Type" >= 0x0600) with up to two VLAN tags:
 * an IEEE 802.1Q C-tag, optionally preceded by an IEEE 802.1ad S-tag (or a second 0x8100 tag).
 *
 *   0                   6                   12        14
 *   +-------------------+-------------------+---------+
 *   | destination MAC   | source MAC        | TPID/type|  then per tag: TCI (2), next TPID/type (2)
 *   +-------------------+-------------------+---------+
 *
 * TCI: priority (3 bits) | drop eligible (1 bit) | VLAN id (12 bits).
 */
import { type Codec, encodeWith } from './codec.ts';
import { ArpWireErrorCode, requireBytes, requireRoom, WireLayer } from './errors.ts';
import { type MacAddress, readMac, writeMac } from './mac-address.ts';

/** EtherType values this package knows (IEEE registry). */
export const EtherType = {
  ipv4: 0x0800,
  arp: 0x0806,
  vlan: 0x8100,
  ipv6: 0x86dd,
  serviceVlan: 0x88a8,
} as const;
export type EtherType = (typeof EtherType)[keyof typeof EtherType];

/** Tag protocol identifiers accepted for a VLAN tag. */
export type VlanTpid = typeof EtherType.vlan | typeof EtherType.serviceVlan;

/** One 802.1Q / 802.1ad tag. */
export type VlanTag = {
  /** 0x8100 (C-tag) or 0x88a8 (S-tag). */
  readonly tpid: VlanTpid;
  /** Priority code point, 0..7. */
  readonly priority: number;
  /** Drop eligible indicator (formerly CFI). */
  readonly dropEligible: boolean;
  /** VLAN identifier, 0..4095. */
  readonly id: number;
};

/** The link-layer header. `vlanTags` is outermost first; at most two are decoded. */
export type EthernetHeader<T extends number = number> = {
  readonly destination: MacAddress;
  readonly source: MacAddress;
  readonly vlanTags: readonly VlanTag[];
  readonly etherType: T;
};

/** Minimum Ethernet frame without FCS (IEEE 802.3 minFrameSize 64 minus the 4-byte FCS). */
export const MIN_FRAME_LENGTH_BYTES = 60;
/** Untagged header length. */
export const ETHERNET_HEADER_LENGTH_BYTES = 14;
const VLAN_TAG_LENGTH_BYTES = 4;
const MAX_DECODED_VLAN_TAGS = 2;

/** Shared by every untagged header; frozen so no caller can change it for the others. */
export const NO_VLAN_TAGS: readonly VlanTag[] = Object.freeze([]);

/** Builds a C-tag (0x8100) for VLAN `id` with priority 0. */
export function vlanTag(id: number, priority = 0, dropEligible = false): VlanTag {
  return { tpid: EtherType.vlan, priority, dropEligible, id };
}

export function ethernetHeaderEncodedLength(header: EthernetHeader): number {
  return ETHERNET_HEADER_LENGTH_BYTES + VLAN_TAG_LENGTH_BYTES * header.vlanTags.length;
}

export function encodeEthernetHeaderInto(header: EthernetHeader, buf: Uint8Array, offset: number): number {
  const length = ethernetHeaderEncodedLength(header);
  requireRoom(buf, offset, length);
  return writeEthernetHeader(header, buf, offset);
}

/** Writes without a room check (frame encoders check once for the whole frame). */
export function writeEthernetHeader(header: EthernetHeader, buf: Uint8Array, offset: number): number {
  writeMac(buf, offset, header.destination);
  writeMac(buf, offset + 6, header.source);
  return writeVlanTagsAndType(buf, offset + 12, header.vlanTags, header.etherType) - offset;
}

/** Writes the tags and the EtherType at `offset` (just after the MACs); returns the end offset. */
export function writeVlanTagsAndType(
  buf: Uint8Array,
  offset: number,
  vlanTags: readonly VlanTag[],
  etherType: number,
): number {
  let at = offset;
  for (let i = 0; i < vlanTags.length; i++) {
    const tag = vlanTags[i]!;
    const tci = ((tag.priority & 0x7) << 13) | (tag.dropEligible ? 0x1000 : 0) | (tag.id & 0xfff);
    buf[at] = tag.tpid >>> 8;
    buf[at + 1] = tag.tpid;
    buf[at + 2] = tci >>> 8;
    buf[at + 3] = tci;
    at += VLAN_TAG_LENGTH_BYTES;
  }
  buf[at] = etherType >>> 8;
  buf[at + 1] = etherType;
  return at + 2;
}

export function decodeEthernetHeader(buf: Uint8Array, offset = 0, endIndex = buf.length): EthernetHeader {
  // An `end` past the buffer would read undefined as zeros; the buffer is the hard limit.
  const end = Math.min(endIndex, buf.length);
  requireBytes(
    ArpWireErrorCode.ethernetTruncated,
    WireLayer.ethernet,
    offset,
    ETHERNET_HEADER_LENGTH_BYTES,
    end,
  );
  const destination = readMac(buf, offset);
  const source = readMac(buf, offset + 6);
  let at = offset + 12;
  let type = (buf[at]! << 8) | buf[at + 1]!;
  let vlanTags = NO_VLAN_TAGS;
  if (type === EtherType.vlan || type === EtherType.serviceVlan) {
    const tags: VlanTag[] = [];
    while (
      (type === EtherType.vlan || type === EtherType.serviceVlan) &&
      tags.length < MAX_DECODED_VLAN_TAGS
    ) {
      requireBytes(
        ArpWireErrorCode.ethernetTruncated,
        WireLayer.ethernet,
        at + 2,
        VLAN_TAG_LENGTH_BYTES,
        end,
      );
      const tci = (buf[at + 2]! << 8) | buf[at + 3]!;
      tags.push({ tpid: type, priority: tci >>> 13, dropEligible: (tci & 0x1000) !== 0, id: tci & 0xfff });
      at += VLAN_TAG_LENGTH_BYTES;
      type = (buf[at]! << 8) | buf[at + 1]!;
    }
    vlanTags = tags;
  }
  return { destination, source, vlanTags, etherType: type };
}

export const ethernetHeaderCodec: Codec<EthernetHeader> = {
  encodedLength: ethernetHeaderEncodedLength,
  encodeInto: encodeEthernetHeaderInto,
  encode: encodeWith(ethernetHeaderEncodedLength, encodeEthernetHeaderInto),
  decode: decodeEthernetHeader,
};
