/**
 * The NDP frames a layer-2 speaker sends: the solicited Neighbor Advertisement answering a
 * Neighbor Solicitation for an address it announces (RFC 4861 section 7.2.4), and the unsolicited
 * advertisement to all nodes when it takes an address over (section 7.2.6).
 */
import { EtherType, NO_VLAN_TAGS, type VlanTag } from './ethernet-header.ts';
import {
  allNodesIpv6,
  copyIpv6,
  type Ipv6Address,
  ipv6MulticastMac,
  isUnspecifiedIpv6,
} from './ipv6-address.ts';
import type { MacAddress } from './mac-address.ts';
import type { NdpFrame } from './ndp-frame.ts';
import { NdpMessageType, type NeighborSolicitation } from './ndp-message.ts';
import { findLinkLayerAddress, targetLinkLayerAddressOption } from './ndp-option.ts';

/** An NdpFrame that carries a Neighbor Solicitation. */
export type NeighborSolicitationFrame = NdpFrame & { readonly message: NeighborSolicitation };

export function isNeighborSolicitationFrame(frame: NdpFrame): frame is NeighborSolicitationFrame {
  return frame.message.type === NdpMessageType.neighborSolicitation;
}

export type SolicitedAdvertisementOptions = {
  /** The interface MAC, sent as the Target Link-Layer Address. */
  readonly mac: MacAddress;
  /**
   * IPv6 source of the advertisement: an address of the sending interface (RFC 4861 section
   * 7.2.4), usually its link-local address. Defaults to the solicited target address.
   */
  readonly sourceAddress?: Ipv6Address;
  /** O flag. Default false, as MetalLB answers solicitations (docs: metallb-compat.md). */
  readonly override?: boolean;
  /** R flag. Default false: a speaker is not a router. */
  readonly router?: boolean;
};

/**
 * The advertisement answering `solicitation`. RFC 4861 section 7.2.4: to the solicitation's
 * source with the Solicited flag set; when that source is the unspecified address (duplicate
 * address detection), to all-nodes ff02::1 with Solicited clear. The Ethernet destination is
 * the solicitation's Source Link-Layer Address option, or else the frame's Ethernet source (a
 * unicast neighbour-unreachability probe may omit the option); the VLAN is the solicitation's.
 */
export function buildSolicitedNeighborAdvertisement(
  solicitation: NeighborSolicitationFrame,
  options: SolicitedAdvertisementOptions,
): NdpFrame {
  const target = solicitation.message.targetAddress;
  const duplicateAddressDetection = isUnspecifiedIpv6(solicitation.ipv6.source);
  const destination = duplicateAddressDetection ? allNodesIpv6() : copyIpv6(solicitation.ipv6.source);
  const destinationMac = duplicateAddressDetection
    ? ipv6MulticastMac(destination)
    : (findLinkLayerAddress(solicitation.message.options, 'sourceLinkLayerAddress') ??
      solicitation.ethernet.source);
  return {
    ethernet: {
      destination: destinationMac,
      source: options.mac,
      vlanTags: solicitation.ethernet.vlanTags,
      etherType: EtherType.ipv6,
    },
    ipv6: { trafficClass: 0, flowLabel: 0, source: copyIpv6(options.sourceAddress ?? target), destination },
    message: {
      type: NdpMessageType.neighborAdvertisement,
      router: options.router ?? false,
      solicited: !duplicateAddressDetection,
      override: options.override ?? false,
      targetAddress: copyIpv6(target),
      options: [targetLinkLayerAddressOption(options.mac)],
    },
    paddingLength: 0,
  };
}

export type UnsolicitedAdvertisementOptions = {
  /** The interface MAC that now owns `targetAddress`. */
  readonly mac: MacAddress;
  /** The address being announced. */
  readonly targetAddress: Ipv6Address;
  /** IPv6 source (usually the interface's link-local address); defaults to `targetAddress`. */
  readonly sourceAddress?: Ipv6Address;
  /** Tags of the VLAN to send on; untagged when omitted. */
  readonly vlanTags?: readonly VlanTag[];
  /** R flag. Default false. */
  readonly router?: boolean;
};

/**
 * RFC 4861 section 7.2.6: an unsolicited advertisement to all-nodes ff02::1 (Ethernet
 * 33:33:00:00:00:01), Solicited clear, Override set so neighbours replace their cache entry, and
 * the Target Link-Layer Address option.
 */
export function buildUnsolicitedNeighborAdvertisement(options: UnsolicitedAdvertisementOptions): NdpFrame {
  const destination = allNodesIpv6();
  return {
    ethernet: {
      destination: ipv6MulticastMac(destination),
      source: options.mac,
      vlanTags: options.vlanTags ?? NO_VLAN_TAGS,
      etherType: EtherType.ipv6,
    },
    ipv6: {
      trafficClass: 0,
      flowLabel: 0,
      source: copyIpv6(options.sourceAddress ?? options.targetAddress),
      destination,
    },
    message: {
      type: NdpMessageType.neighborAdvertisement,
      router: options.router ?? false,
      solicited: false,
      override: true,
      targetAddress: copyIpv6(options.targetAddress),
      options: [targetLinkLayerAddressOption(options.mac)],
    },
    paddingLength: 0,
  };
}
