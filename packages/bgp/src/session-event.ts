/**
 * What drives the state machine: RFC 4271 section 8.1's events, with the connection they concern.
 * The runtime turns socket callbacks, timer expiries and decoded messages into these.
 */
import type { NotificationMessage, OpenMessage } from '@baremetal-lb/bgp-wire';

/** Which side opened a TCP connection (section 6.8 keeps the one the higher BGP Identifier opened). */
export type ConnectionDirection = 'outgoing' | 'incoming';

export type SessionEvent =
  /** Event 1 (ManualStart), or 4 (ManualStart_with_PassiveTcpEstablishment) when configured passive. */
  | { readonly type: 'manualStart' }
  /** Event 2 (ManualStop): Cease / Administrative Shutdown, no automatic restart. */
  | {
      readonly type: 'manualStop';
      readonly subcode?: number;
      readonly data?: Uint8Array;
      /**
       * Close without a NOTIFICATION: a graceful restart (RFC 4724 section 4.1), after which the
       * peer keeps our routes for the Restart Time.
       */
      readonly silent?: boolean;
    }
  /**
   * BFD says the path to the peer is dead: Cease / BFD Down (RFC 9384) on every connection, then
   * the automatic restart, exactly as for any other failure.
   */
  | { readonly type: 'bfdDown' }
  /** Events 9, 13: the session-wide timers. */
  | { readonly type: 'connectRetryTimerExpires' }
  | { readonly type: 'idleHoldTimerExpires' }
  /** Events 10, 11: a connection's timers. */
  | { readonly type: 'holdTimerExpires'; readonly connection: number }
  | { readonly type: 'keepaliveTimerExpires'; readonly connection: number }
  /** Events 16/17 (outgoing connected) and 14/17 (incoming accepted). */
  | {
      readonly type: 'tcpConnectionConfirmed';
      readonly connection: number;
      readonly direction: ConnectionDirection;
    }
  /** Event 18: the connection failed, closed, or the attempt timed out. */
  | { readonly type: 'tcpConnectionFails'; readonly connection: number }
  /** Event 19: a well-formed OPEN. */
  | { readonly type: 'openReceived'; readonly connection: number; readonly open: OpenMessage }
  /**
   * Events 21, 22 and 28: a message the decoder rejected (header, OPEN or UPDATE error); the
   * NOTIFICATION to answer with comes from the decoder.
   */
  | { readonly type: 'messageError'; readonly connection: number; readonly notification: NotificationMessage }
  /** Events 24, 25: a NOTIFICATION arrived. */
  | {
      readonly type: 'notificationReceived';
      readonly connection: number;
      readonly notification: NotificationMessage;
    }
  /** Event 26. */
  | { readonly type: 'keepaliveReceived'; readonly connection: number }
  /** Event 27, and ROUTE-REFRESH (RFC 2918), which restarts the hold timer the same way. */
  | { readonly type: 'updateReceived'; readonly connection: number }
  | { readonly type: 'routeRefreshReceived'; readonly connection: number }
  /** The runtime sent UPDATEs: section 4.4 restarts the KeepaliveTimer with each UPDATE. */
  | { readonly type: 'updatesSent'; readonly connection: number };

/** Timers the machine asks for. Hold and keepalive run per connection, the other two per session. */
export const TimerName = {
  connectRetry: 'connectRetry',
  idleHold: 'idleHold',
  hold: 'hold',
  keepalive: 'keepalive',
} as const;
export type TimerName = (typeof TimerName)[keyof typeof TimerName];

/** The expiry event of `timer` (of `connection` for the per-connection ones). */
export function timerEvent(timer: TimerName, connection: number | undefined): SessionEvent {
  switch (timer) {
    case TimerName.connectRetry:
      return { type: 'connectRetryTimerExpires' };
    case TimerName.idleHold:
      return { type: 'idleHoldTimerExpires' };
    case TimerName.hold:
      return { type: 'holdTimerExpires', connection: connection! };
    case TimerName.keepalive:
      return { type: 'keepaliveTimerExpires', connection: connection! };
  }
}
