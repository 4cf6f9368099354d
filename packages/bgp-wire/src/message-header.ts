/**
 * The fixed BGP message header (RFC 4271 section 4.1):
 *
 *    0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |                        Marker (16 x 0xff)                     |
 *   +-------------------------------+---------------+---------------+
 *   |            Length             |     Type      |
 *   +-------------------------------+---------------+
 */
import { BgpMessageError, BgpWireErrorCode, requireBytes } from './errors.ts';
import { MessageHeaderErrorSubcode, NotificationCode } from './notification-code.ts';

export const MessageType = {
  open: 1,
  update: 2,
  notification: 3,
  keepalive: 4,
  /** RFC 2918. */
  routeRefresh: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const HEADER_LENGTH_BYTES = 19;
export const MARKER_LENGTH_BYTES = 16;
/** RFC 4271 section 4: the largest message without the Extended Message capability. */
export const MAX_MESSAGE_LENGTH_BYTES = 4096;
/** RFC 8654 section 4: the largest message once both sides sent the Extended Message capability. */
export const EXTENDED_MAX_MESSAGE_LENGTH_BYTES = 65535;

/** The smallest legal length of each message type (RFC 4271 section 6.1, RFC 2918 section 3). */
const MIN_LENGTH: readonly number[] = [0, 29, 23, 21, 19, 23];

/**
 * Checks marker, length and type of the header at `offset` (RFC 4271 section 6.1) and returns the
 * message length. `maxLength` is 4096, or 65535 after Extended Message negotiation. Throws
 * BgpMessageError with the Message Header Error to send, or TruncatedError for a short buffer.
 */
export function readMessageHeader(buf: Uint8Array, offset: number, end: number, maxLength: number): number {
  requireBytes(offset, HEADER_LENGTH_BYTES, end);
  let marker = 0xff;
  for (let i = 0; i < MARKER_LENGTH_BYTES; i++) marker &= buf[offset + i]!;
  if (marker !== 0xff) {
    let bad = offset;
    while (buf[bad] === 0xff) bad++;
    throw new BgpMessageError(BgpWireErrorCode.badMarker, 'marker is not all ones', bad, {
      code: NotificationCode.messageHeaderError,
      subcode: MessageHeaderErrorSubcode.connectionNotSynchronized,
    });
  }
  const length = (buf[offset + 16]! << 8) | buf[offset + 17]!;
  const type = buf[offset + 18]!;
  if (type < MessageType.open || type > MessageType.routeRefresh) {
    throw new BgpMessageError(BgpWireErrorCode.badType, `message type ${type} is unknown`, offset + 18, {
      code: NotificationCode.messageHeaderError,
      subcode: MessageHeaderErrorSubcode.badMessageType,
      data: Uint8Array.of(type),
    });
  }
  // RFC 8654 section 4: OPEN and KEEPALIVE stay within 4096 bytes even when extended.
  const max =
    type === MessageType.open || type === MessageType.keepalive ? MAX_MESSAGE_LENGTH_BYTES : maxLength;
  if (length < MIN_LENGTH[type]! || length > max) throw badLength(offset, length);
  return length;
}

/** A Bad Message Length error; the data is the erroneous Length field (RFC 4271 section 6.1). */
export function badLength(offset: number, length: number): BgpMessageError {
  return new BgpMessageError(
    BgpWireErrorCode.badLength,
    `message length ${length} is out of range`,
    offset + 16,
    {
      code: NotificationCode.messageHeaderError,
      subcode: MessageHeaderErrorSubcode.badMessageLength,
      data: Uint8Array.of(length >>> 8, length & 0xff),
    },
  );
}

/** Writes marker, length and type at `offset`; returns the offset of the message body. */
export function writeMessageHeader(
  buf: Uint8Array,
  offset: number,
  length: number,
  type: MessageType,
): number {
  buf.fill(0xff, offset, offset + MARKER_LENGTH_BYTES);
  buf[offset + 16] = length >>> 8;
  buf[offset + 17] = length & 0xff;
  buf[offset + 18] = type;
  return offset + HEADER_LENGTH_BYTES;
}
