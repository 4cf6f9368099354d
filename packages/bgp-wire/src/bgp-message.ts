/**
 * Any BGP message: decode one from a buffer holding exactly or at least one message, encode one.
 * The layout of each type is in its own file; this one adds the header (RFC 4271 section 4.1) and
 * dispatches on the type.
 */

import type { Codec } from '@baremetal-lb/arp-wire';
import { copyBytes } from './copy-bytes.ts';
import { BgpMessageError, BgpWireErrorCode, requireBytes, requireRoom, TruncatedError } from './errors.ts';
import {
  badLength,
  HEADER_LENGTH_BYTES,
  MessageType,
  readMessageHeader,
  writeMessageHeader,
} from './message-header.ts';
import { NotificationCode, RouteRefreshMessageErrorSubcode } from './notification-code.ts';
import type { NotificationMessage } from './notification-message.ts';
import {
  checkOpenFits,
  type OpenMessage,
  openEncodedLength,
  readOpenBody,
  writeOpenBody,
} from './open-message.ts';
import { ROUTE_REFRESH_LENGTH_BYTES, type RouteRefreshMessage } from './route-refresh-message.ts';
import { DEFAULT_SESSION, type SessionOptions } from './session-options.ts';
import {
  readUpdateBody,
  type UpdateMessage,
  updateEncodedLength,
  writeUpdateBody,
} from './update-message.ts';

export type KeepaliveMessage = { readonly type: typeof MessageType.keepalive };

export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage;

export const KEEPALIVE: KeepaliveMessage = { type: MessageType.keepalive };

/** Bytes `encodeBgpMessageInto` writes for `message`. */
export function bgpMessageEncodedLength(
  message: BgpMessage,
  session: SessionOptions = DEFAULT_SESSION,
): number {
  switch (message.type) {
    case MessageType.open:
      return openEncodedLength(message);
    case MessageType.update:
      return updateEncodedLength(message, session);
    case MessageType.notification:
      return HEADER_LENGTH_BYTES + 2 + message.data.length;
    case MessageType.keepalive:
      return HEADER_LENGTH_BYTES;
    case MessageType.routeRefresh:
      return ROUTE_REFRESH_LENGTH_BYTES;
  }
}

/**
 * Writes `message` at `offset` and returns the bytes written. Allocates nothing. Throws only when
 * `buf` is too small or the message exceeds the session's maximum length (ERR_BGP_ENCODE_TOO_LONG:
 * split the UPDATE).
 */
export function encodeBgpMessageInto(
  message: BgpMessage,
  buf: Uint8Array,
  offset: number,
  session: SessionOptions = DEFAULT_SESSION,
): number {
  if (message.type === MessageType.open) checkOpenFits(message);
  const length = bgpMessageEncodedLength(message, session);
  if (length > session.maxMessageLength) {
    throw new TruncatedError(BgpWireErrorCode.encodeTooLong, offset, length, session.maxMessageLength);
  }
  requireRoom(buf, offset, length);
  const at = writeMessageHeader(buf, offset, length, message.type);
  switch (message.type) {
    case MessageType.open:
      writeOpenBody(message, buf, at);
      break;
    case MessageType.update:
      writeUpdateBody(message, buf, at, session);
      break;
    case MessageType.notification:
      buf[at] = message.code;
      buf[at + 1] = message.subcode;
      buf.set(message.data, at + 2);
      break;
    case MessageType.keepalive:
      break;
    case MessageType.routeRefresh:
      buf[at] = message.afi >>> 8;
      buf[at + 1] = message.afi & 0xff;
      buf[at + 2] = message.subtype;
      buf[at + 3] = message.safi;
      break;
  }
  return length;
}

/**
 * Decodes the message at `buf[offset, end)`; bytes after it are ignored (the framer hands out
 * exact messages). Throws BgpMessageError (with the NOTIFICATION to send) for anything the peer
 * got wrong, TruncatedError when the buffer ends early. The result shares no memory with `buf`.
 */
export function decodeBgpMessage(
  buf: Uint8Array,
  offset = 0,
  end = buf.length,
  session: SessionOptions = DEFAULT_SESSION,
): BgpMessage {
  const length = readMessageHeader(buf, offset, end, session.maxMessageLength);
  requireBytes(offset, length, end);
  const at = offset + HEADER_LENGTH_BYTES;
  const messageEnd = offset + length;
  switch (buf[offset + 18]) {
    case MessageType.open:
      return readOpenBody(buf, at, messageEnd);
    case MessageType.update:
      return readUpdateBody(buf, at, messageEnd, session);
    case MessageType.notification:
      return {
        type: MessageType.notification,
        code: buf[at]!,
        subcode: buf[at + 1]!,
        data: copyBytes(buf, at + 2, messageEnd),
      };
    case MessageType.keepalive:
      // RFC 4271 section 4.4: a KEEPALIVE is the header alone.
      if (length !== HEADER_LENGTH_BYTES) throw badLength(offset, length);
      return KEEPALIVE;
    default:
      if (length !== ROUTE_REFRESH_LENGTH_BYTES) {
        throw new BgpMessageError(BgpWireErrorCode.routeRefreshBadLength, `length ${length}`, offset + 16, {
          code: NotificationCode.routeRefreshMessageError,
          subcode: RouteRefreshMessageErrorSubcode.invalidMessageLength,
          // RFC 7313 section 5: the data is the complete ROUTE-REFRESH message.
          data: copyBytes(buf, offset, messageEnd),
        });
      }
      return {
        type: MessageType.routeRefresh,
        afi: (buf[at]! << 8) | buf[at + 1]!,
        subtype: buf[at + 2]!,
        safi: buf[at + 3]!,
      };
  }
}

/** A codec (DESIGN.md shape) for the messages of a session with `session`'s negotiated options. */
export function bgpMessageCodec(session: SessionOptions = DEFAULT_SESSION): Codec<BgpMessage> {
  const encodedLength = (message: BgpMessage) => bgpMessageEncodedLength(message, session);
  const encodeInto = (message: BgpMessage, buf: Uint8Array, offset: number) =>
    encodeBgpMessageInto(message, buf, offset, session);
  return {
    encodedLength,
    encodeInto,
    encode: (message) => {
      const buf = Buffer.alloc(encodedLength(message));
      encodeInto(message, buf, 0);
      return buf;
    },
    decode: (buf, offset = 0, end = buf.length) => decodeBgpMessage(buf, offset, end, session),
  };
}
