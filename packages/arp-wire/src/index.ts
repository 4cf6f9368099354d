export type { ArpRequestOptions, GratuitousArpOptions } from './arp-builders.ts';
export {
  buildArpProbe,
  buildArpReply,
  buildArpRequest,
  buildGratuitousArpReply,
  buildGratuitousArpRequest,
  encodeArpReplyInto,
} from './arp-builders.ts';
export type { ArpFrame } from './arp-frame.ts';
export {
  arpFrameCodec,
  arpFrameEncodedLength,
  decodeArpFrame,
  encodeArpFrameInto,
  minimumPaddingLength,
} from './arp-frame.ts';
export type { ArpPacket } from './arp-packet.ts';
export {
  ARP_PACKET_LENGTH_BYTES,
  ArpOperation,
  arpPacketCodec,
  arpPacketEncodedLength,
  decodeArpPacket,
  encodeArpPacketInto,
  isArpProbe,
  isGratuitousArp,
} from './arp-packet.ts';
export { classifyFrame, FrameKind } from './classify-frame.ts';
export type { Codec } from './codec.ts';
export {
  AddressParseError,
  ArpWireError,
  ArpWireErrorCode,
  ChecksumError,
  MalformedError,
  TruncatedError,
  WireLayer,
} from './errors.ts';
export type { EthernetHeader, VlanTag, VlanTpid } from './ethernet-header.ts';
export {
  decodeEthernetHeader,
  ETHERNET_HEADER_LENGTH_BYTES,
  EtherType,
  encodeEthernetHeaderInto,
  ethernetHeaderCodec,
  ethernetHeaderEncodedLength,
  MIN_FRAME_LENGTH_BYTES,
  NO_VLAN_TAGS,
  vlanTag,
} from './ethernet-header.ts';
export { computeIcmpv6Checksum } from './icmpv6-checksum.ts';
export type { Ipv4Address } from './ipv4-address.ts';
export {
  formatIpv4,
  isIpv4Address,
  parseIpv4,
  readIpv4,
  UNSPECIFIED_IPV4,
  writeIpv4,
} from './ipv4-address.ts';
export type { Ipv6Address } from './ipv6-address.ts';
export {
  allNodesIpv6,
  copyIpv6,
  equalIpv6,
  formatIpv6,
  ipv6MulticastMac,
  isIpv6Address,
  isMulticastIpv6,
  isUnspecifiedIpv6,
  parseIpv6,
  readIpv6,
  solicitedNodeAddress,
  solicitedNodeMulticastMac,
  unspecifiedIpv6,
  writeIpv6,
} from './ipv6-address.ts';
export type { MacAddress } from './mac-address.ts';
export {
  BROADCAST_MAC,
  formatMac,
  isMacAddress,
  isMulticastMac,
  macFromBytes,
  macToBytes,
  parseMac,
  readMac,
  writeMac,
  ZERO_MAC,
} from './mac-address.ts';
export type {
  NeighborSolicitationFrame,
  SolicitedAdvertisementOptions,
  UnsolicitedAdvertisementOptions,
} from './ndp-builders.ts';
export {
  buildSolicitedNeighborAdvertisement,
  buildUnsolicitedNeighborAdvertisement,
  isNeighborSolicitationFrame,
} from './ndp-builders.ts';
export type { NdpFrame } from './ndp-frame.ts';
export { decodeNdpFrame, encodeNdpFrameInto, ndpFrameCodec, ndpFrameEncodedLength } from './ndp-frame.ts';
export type {
  NdpIpv6Header,
  NdpMessage,
  NeighborAdvertisement,
  NeighborSolicitation,
} from './ndp-message.ts';
export { NDP_HOP_LIMIT, NdpMessageType } from './ndp-message.ts';
export type { LinkLayerAddressOption, NdpOption, RawNdpOption } from './ndp-option.ts';
export {
  findLinkLayerAddress,
  NdpOptionType,
  NO_NDP_OPTIONS,
  sourceLinkLayerAddressOption,
  targetLinkLayerAddressOption,
} from './ndp-option.ts';
