export type { AddressFamily } from './address-family.ts';
export { Afi, Safi } from './address-family.ts';
export type { AttributeProblem } from './attribute-problem.ts';
export { AttributeProblemCode } from './attribute-problem.ts';
export type { BgpMessage, KeepaliveMessage } from './bgp-message.ts';
export {
  bgpMessageCodec,
  bgpMessageEncodedLength,
  decodeBgpMessage,
  encodeBgpMessageInto,
  KEEPALIVE,
} from './bgp-message.ts';
export type {
  AddPathCapability,
  AddPathFamily,
  Capability,
  EnhancedRouteRefreshCapability,
  ExtendedMessageCapability,
  FourOctetAsCapability,
  GracefulRestartCapability,
  GracefulRestartFamily,
  MultiprotocolCapability,
  RawCapability,
  RouteRefreshCapability,
} from './capability.ts';
export { AddPathDirection, CapabilityCode } from './capability.ts';
export { community, formatCommunity, WellKnownCommunity } from './community.ts';
export { buildEndOfRib, endOfRibFamily } from './end-of-rib.ts';
export { ErrorAction, strongerAction } from './error-action.ts';
export { BgpMessageError, BgpWireError, BgpWireErrorCode, TruncatedError } from './errors.ts';
export { MessageFramer } from './message-framer.ts';
export {
  EXTENDED_MAX_MESSAGE_LENGTH_BYTES,
  HEADER_LENGTH_BYTES,
  MAX_MESSAGE_LENGTH_BYTES,
  MessageType,
} from './message-header.ts';
export {
  CeaseSubcode,
  FsmErrorSubcode,
  MessageHeaderErrorSubcode,
  NotificationCode,
  OpenMessageErrorSubcode,
  RouteRefreshMessageErrorSubcode,
  UNSPECIFIC_SUBCODE,
  UpdateMessageErrorSubcode,
} from './notification-code.ts';
export type { NotificationMessage } from './notification-message.ts';
export { notificationFor } from './notification-message.ts';
export type { CapabilitiesParameter, OpenMessage, OptionalParameter, RawParameter } from './open-message.ts';
export { AS_TRANS, BGP_VERSION, openAsn, openCapabilities } from './open-message.ts';
export type {
  AggregatorAttribute,
  As4AggregatorAttribute,
  As4PathAttribute,
  AsPathAttribute,
  AsPathSegment,
  AtomicAggregateAttribute,
  CommunitiesAttribute,
  ExtendedCommunitiesAttribute,
  Ipv4MpReach,
  Ipv6MpReach,
  LargeCommunitiesAttribute,
  LargeCommunity,
  LocalPrefAttribute,
  MpReachAttribute,
  MpUnreachAttribute,
  MultiExitDiscAttribute,
  NextHopAttribute,
  OriginAttribute,
  PathAttribute,
  UnknownAttribute,
} from './path-attribute.ts';
export {
  AsPathSegmentType,
  AttributeFlag,
  AttributeType,
  attributeType,
  findAttribute,
  Origin,
  propagatedAttributes,
} from './path-attribute.ts';
export type { Ipv4Prefix, Ipv6Prefix } from './prefix.ts';
export type { RouteRefreshMessage } from './route-refresh-message.ts';
export { ROUTE_REFRESH_LENGTH_BYTES, RouteRefreshSubtype } from './route-refresh-message.ts';
export type { SessionOptions } from './session-options.ts';
export { DEFAULT_SESSION } from './session-options.ts';
export type { UpdateMessage } from './update-message.ts';
