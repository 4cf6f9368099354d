/**
 * NOTIFICATION (RFC 4271 section 4.5): Error code (1), Error subcode (1), Data (to the end).
 * Codes and subcodes are named in notification-code.ts; the data is kept as sent.
 */
import type { BgpMessageError } from './errors.ts';
import { MessageType } from './message-header.ts';

export type NotificationMessage = {
  readonly type: typeof MessageType.notification;
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
};

/** The NOTIFICATION that answers a decode error. */
export function notificationFor(error: BgpMessageError): NotificationMessage {
  return {
    type: MessageType.notification,
    code: error.notificationCode,
    subcode: error.notificationSubcode,
    data: error.data,
  };
}
