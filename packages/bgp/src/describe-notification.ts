/** A NOTIFICATION in words, for logs and a peer's `lastError` (RFC 4271 section 4.5 and its successors). */
import {
  CeaseSubcode,
  FsmErrorSubcode,
  MessageHeaderErrorSubcode,
  NotificationCode,
  type NotificationMessage,
  OpenMessageErrorSubcode,
  UpdateMessageErrorSubcode,
} from '@baremetal-lb/bgp-wire';

const CODES: Record<number, string> = {
  [NotificationCode.messageHeaderError]: 'Message Header Error',
  [NotificationCode.openMessageError]: 'OPEN Message Error',
  [NotificationCode.updateMessageError]: 'UPDATE Message Error',
  [NotificationCode.holdTimerExpired]: 'Hold Timer Expired',
  [NotificationCode.finiteStateMachineError]: 'Finite State Machine Error',
  [NotificationCode.cease]: 'Cease',
  [NotificationCode.routeRefreshMessageError]: 'ROUTE-REFRESH Message Error',
};

/** Turns `{ camelCase: n }` into `{ n: 'Camel Case' }`. */
function named(table: Record<string, number>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [name, value] of Object.entries(table)) {
    const words = name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
    out[value] = words
      .replace(/\bBgp\b/, 'BGP')
      .replace(/\bAs\b/, 'AS')
      .replace(/\bBfd\b/, 'BFD');
  }
  return out;
}

const SUBCODES: Record<number, Record<number, string>> = {
  [NotificationCode.messageHeaderError]: named(MessageHeaderErrorSubcode),
  [NotificationCode.openMessageError]: named(OpenMessageErrorSubcode),
  [NotificationCode.updateMessageError]: named(UpdateMessageErrorSubcode),
  [NotificationCode.finiteStateMachineError]: named(FsmErrorSubcode),
  [NotificationCode.cease]: named(CeaseSubcode),
};

/** "Cease / Administrative Shutdown (6/2): maintenance" — the RFC 8203 message when there is one. */
export function describeNotification(
  message: Pick<NotificationMessage, 'code' | 'subcode' | 'data'>,
): string {
  const code = CODES[message.code] ?? `error code ${message.code}`;
  const subcode =
    message.subcode === 0
      ? undefined
      : (SUBCODES[message.code]?.[message.subcode] ?? `subcode ${message.subcode}`);
  let text = `${code}${subcode === undefined ? '' : ` / ${subcode}`} (${message.code}/${message.subcode})`;
  const isShutdown =
    message.code === NotificationCode.cease &&
    (message.subcode === CeaseSubcode.administrativeShutdown ||
      message.subcode === CeaseSubcode.administrativeReset);
  // RFC 9003: a length octet and UTF-8 text.
  if (isShutdown && message.data.length > 0 && message.data[0] === message.data.length - 1) {
    text += `: ${Buffer.from(message.data.subarray(1)).toString('utf8')}`;
  }
  return text;
}
