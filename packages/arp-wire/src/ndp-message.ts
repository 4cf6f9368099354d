/**
 * Neighbor Solicitation and Neighbor Advertisement (RFC 4861 sections 4.3 and 4.4), the two NDP
 * messages a layer-2 speaker handles, and the IPv6 header fields that travel with them.
 *
 * Neighbor Solicitation (ICMPv6 type 135):        Neighbor Advertisement (type 136):
 *   0      1      2        4          8       24     0      1      2        4          8       24
 *   +------+------+--------+----------+-------+      +------+------+--------+----------+-------+
 *   | 135  | code | cksum  | reserved | target|      | 136  | code | cksum  |R|S|O|rsv | target|
 *   +------+------+--------+----------+-------+      +------+------+--------+----------+-------+
 *   then options (RFC 4861 section 4.6) up to the end of the IPv6 payload.
 */
import type { Ipv6Address } from './ipv6-address.ts';
import type { NdpOption } from './ndp-option.ts';

/** ICMPv6 types of the NDP messages this package decodes (RFC 4861 section 4). */
export const NdpMessageType = {
  neighborSolicitation: 135,
  neighborAdvertisement: 136,
} as const;
export type NdpMessageType = (typeof NdpMessageType)[keyof typeof NdpMessageType];

export type NeighborSolicitation = {
  readonly type: typeof NdpMessageType.neighborSolicitation;
  /** The address whose link-layer address is asked for; never multicast. */
  readonly targetAddress: Ipv6Address;
  readonly options: readonly NdpOption[];
};

export type NeighborAdvertisement = {
  readonly type: typeof NdpMessageType.neighborAdvertisement;
  /** R: the sender is a router. */
  readonly router: boolean;
  /** S: sent in response to a solicitation (never set when sent to a multicast group). */
  readonly solicited: boolean;
  /** O: the advertisement should override an existing cache entry. */
  readonly override: boolean;
  readonly targetAddress: Ipv6Address;
  readonly options: readonly NdpOption[];
};

export type NdpMessage = NeighborSolicitation | NeighborAdvertisement;

/**
 * The IPv6 header fields of an NDP packet that are not implied: version is 6, next header is 58
 * (no extension headers), hop limit is 255 (RFC 4861 section 7.1) and the payload length follows
 * from the message; encoders set those and decoders check them.
 */
export type NdpIpv6Header = {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
};

/** Fixed part of NS and NA: ICMPv6 type, code, checksum, 4 bytes of flags/reserved, target. */
export const NDP_MESSAGE_FIXED_LENGTH_BYTES = 24;
/** IPv6 header length (RFC 8200 section 3). */
export const IPV6_HEADER_LENGTH_BYTES = 40;
/** RFC 4861 section 7.1: NDP packets are sent, and must arrive, with hop limit 255. */
export const NDP_HOP_LIMIT = 255;
