/**
 * The one error hierarchy of @baremetal-lb/bgp-wire. Everything a decoder, encoder or the framer
 * throws is a BgpWireError with a stable `code`; attacker-controlled bytes never cause any other
 * exception. Errors the peer caused carry the NOTIFICATION (RFC 4271 section 4.5) to answer with.
 */
import type { AttributeProblem } from './attribute-problem.ts';

/** Stable error codes; match on these, never on messages. */
export const BgpWireErrorCode = {
  /** The buffer ends before the message its header announces (a caller error, not the peer's). */
  truncated: 'ERR_BGP_TRUNCATED',
  badMarker: 'ERR_BGP_BAD_MARKER',
  badLength: 'ERR_BGP_BAD_LENGTH',
  badType: 'ERR_BGP_BAD_TYPE',
  openUnsupportedVersion: 'ERR_BGP_OPEN_UNSUPPORTED_VERSION',
  openBadHoldTime: 'ERR_BGP_OPEN_BAD_HOLD_TIME',
  openBadIdentifier: 'ERR_BGP_OPEN_BAD_IDENTIFIER',
  openMalformedParameters: 'ERR_BGP_OPEN_MALFORMED_PARAMETERS',
  openMalformedCapability: 'ERR_BGP_OPEN_MALFORMED_CAPABILITY',
  updateMalformedAttributeList: 'ERR_BGP_UPDATE_MALFORMED_ATTRIBUTE_LIST',
  updateInvalidNetworkField: 'ERR_BGP_UPDATE_INVALID_NETWORK_FIELD',
  updateMalformedMpAttribute: 'ERR_BGP_UPDATE_MALFORMED_MP_ATTRIBUTE',
  routeRefreshBadLength: 'ERR_BGP_ROUTE_REFRESH_BAD_LENGTH',
  encodeBufferTooSmall: 'ERR_BGP_ENCODE_BUFFER_TOO_SMALL',
  encodeTooLong: 'ERR_BGP_ENCODE_TOO_LONG',
} as const;
export type BgpWireErrorCode = (typeof BgpWireErrorCode)[keyof typeof BgpWireErrorCode];

/** Base class: everything this package throws is an instance of it. */
export class BgpWireError extends Error {
  readonly code: BgpWireErrorCode;
  constructor(code: BgpWireErrorCode, message: string) {
    super(message);
    this.name = 'BgpWireError';
    this.code = code;
  }
}

/**
 * The bytes end before the message does: `offset` is where the missing part starts, `needed` the
 * bytes required from there and `available` what there was. Not the peer's fault when it comes
 * from `decode` on a partial buffer; the framer never hands out partial messages.
 */
export class TruncatedError extends BgpWireError {
  readonly offset: number;
  readonly needed: number;
  readonly available: number;
  constructor(code: BgpWireErrorCode, offset: number, needed: number, available: number) {
    const have = Math.max(available, 0);
    super(code, `needs ${needed} bytes at offset ${offset}, ${have} available`);
    this.name = 'TruncatedError';
    this.offset = offset;
    this.needed = needed;
    this.available = have;
  }
}

/**
 * The peer sent something that ends the session: send a NOTIFICATION with `notificationCode`,
 * `notificationSubcode` and `data` (RFC 4271 section 6), then close. `offset` is where the fault
 * sits in the decoded buffer.
 */
export class BgpMessageError extends BgpWireError {
  readonly offset: number;
  readonly notificationCode: number;
  readonly notificationSubcode: number;
  readonly data: Uint8Array;
  /** For UPDATE errors: every RFC 7606 finding up to the fatal one, the fatal one last. */
  readonly problems: readonly AttributeProblem[];
  constructor(
    code: BgpWireErrorCode,
    detail: string,
    offset: number,
    notification: { readonly code: number; readonly subcode: number; readonly data?: Uint8Array },
    problems: readonly AttributeProblem[] = [],
  ) {
    super(code, `${detail} at offset ${offset} (NOTIFICATION ${notification.code}/${notification.subcode})`);
    this.name = 'BgpMessageError';
    this.offset = offset;
    this.notificationCode = notification.code;
    this.notificationSubcode = notification.subcode;
    this.data = notification.data ?? new Uint8Array(0);
    this.problems = problems;
  }
}

/** Throws TruncatedError unless `length` bytes are available at `offset` before `end`. */
export function requireBytes(offset: number, length: number, end: number): void {
  if (offset + length > end || offset < 0)
    throw new TruncatedError(BgpWireErrorCode.truncated, offset, length, end - offset);
}

/** Throws unless `buf` has room for `length` bytes at `offset` (encoders call it once, up front). */
export function requireRoom(buf: Uint8Array, offset: number, length: number): void {
  if (!(offset >= 0) || offset + length > buf.length) {
    throw new TruncatedError(BgpWireErrorCode.encodeBufferTooSmall, offset, length, buf.length - offset);
  }
}
