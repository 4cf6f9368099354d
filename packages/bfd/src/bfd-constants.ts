/** Protocol constants of RFC 5880 §4.1 and the port numbers of RFC 5881 §4 / RFC 5883 §5. */

/** Session states (RFC 5880 §4.1 "State (Sta)"). */
export const BfdState = { adminDown: 0, down: 1, init: 2, up: 3 } as const;
export type BfdState = (typeof BfdState)[keyof typeof BfdState];

/** Names of the states, for logs and metrics. */
export const BFD_STATE_NAMES: Readonly<Record<BfdState, string>> = {
  0: 'AdminDown',
  1: 'Down',
  2: 'Init',
  3: 'Up',
};

/** Diagnostic codes (RFC 5880 §4.1 "Diagnostic (Diag)"); 9-31 are reserved. */
export const BfdDiagnostic = {
  none: 0,
  controlDetectionTimeExpired: 1,
  echoFunctionFailed: 2,
  neighborSignaledSessionDown: 3,
  forwardingPlaneReset: 4,
  pathDown: 5,
  concatenatedPathDown: 6,
  administrativelyDown: 7,
  reverseConcatenatedPathDown: 8,
} as const;
export type BfdDiagnostic = number;

/** Authentication types (RFC 5880 §4.1 "Auth Type"). */
export const AuthType = {
  none: 0,
  simplePassword: 1,
  keyedMd5: 2,
  meticulousKeyedMd5: 3,
  keyedSha1: 4,
  meticulousKeyedSha1: 5,
} as const;
export type AuthType = (typeof AuthType)[keyof typeof AuthType];

/** The only protocol version (RFC 5880 §4.1). */
export const BFD_VERSION = 1;
/** Mandatory section length (RFC 5880 §4.1). */
export const BFD_MANDATORY_LENGTH_BYTES = 24;
/** Single-hop control packets go to this UDP port (RFC 5881 §4). */
export const BFD_SINGLE_HOP_PORT = 3784;
/** Multihop control packets go to this UDP port (RFC 5883 §5). */
export const BFD_MULTIHOP_PORT = 4784;
/** Source ports MUST be in this range (RFC 5881 §4). */
export const BFD_SOURCE_PORT_MIN = 49152;
export const BFD_SOURCE_PORT_MAX = 65535;
/** TTL / hop limit sent, and required on receive for single hop (GTSM, RFC 5881 §5). */
export const BFD_SINGLE_HOP_TTL = 255;
