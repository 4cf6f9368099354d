/**
 * NOTIFICATION error codes and subcodes (RFC 4271 section 4.5 and 6, IANA "BGP Error (Notification)
 * Codes" and "Error Subcodes"), as named constants.
 */

export const NotificationCode = {
  messageHeaderError: 1,
  openMessageError: 2,
  updateMessageError: 3,
  holdTimerExpired: 4,
  finiteStateMachineError: 5,
  cease: 6,
  /** RFC 7313 section 5. */
  routeRefreshMessageError: 7,
} as const;
export type NotificationCode = (typeof NotificationCode)[keyof typeof NotificationCode];

/** Subcode 0 is "Unspecific" for every code (RFC 4493 errata, IANA). */
export const UNSPECIFIC_SUBCODE = 0;

export const MessageHeaderErrorSubcode = {
  connectionNotSynchronized: 1,
  badMessageLength: 2,
  badMessageType: 3,
} as const;

export const OpenMessageErrorSubcode = {
  unsupportedVersionNumber: 1,
  badPeerAs: 2,
  badBgpIdentifier: 3,
  unsupportedOptionalParameter: 4,
  unacceptableHoldTime: 6,
  /** RFC 5492 section 5. */
  unsupportedCapability: 7,
  /** RFC 9234 section 4.2. */
  roleMismatch: 11,
} as const;

export const UpdateMessageErrorSubcode = {
  malformedAttributeList: 1,
  unrecognizedWellKnownAttribute: 2,
  missingWellKnownAttribute: 3,
  attributeFlagsError: 4,
  attributeLengthError: 5,
  invalidOriginAttribute: 6,
  invalidNextHopAttribute: 8,
  optionalAttributeError: 9,
  invalidNetworkField: 10,
  malformedAsPath: 11,
} as const;

/** RFC 4486 section 4, RFC 8538 section 3 (hard reset), RFC 9384 (BFD down). */
export const CeaseSubcode = {
  maximumPrefixesReached: 1,
  administrativeShutdown: 2,
  peerDeconfigured: 3,
  administrativeReset: 4,
  connectionRejected: 5,
  otherConfigurationChange: 6,
  connectionCollisionResolution: 7,
  outOfResources: 8,
  hardReset: 9,
  bfdDown: 10,
} as const;

/** RFC 7313 section 5. */
export const RouteRefreshMessageErrorSubcode = {
  invalidMessageLength: 1,
} as const;

/** RFC 6608 section 3. */
export const FsmErrorSubcode = {
  unexpectedMessageInOpenSent: 1,
  unexpectedMessageInOpenConfirm: 2,
  unexpectedMessageInEstablished: 3,
} as const;
