/** What a transition asks the runtime to do, in order. The machine itself does no I/O. */
import type { BgpMessage, OpenMessage } from '@baremetal-lb/bgp-wire';
import type { Negotiated } from './negotiate.ts';
import type { TimerName } from './session-event.ts';

export type SessionAction =
  /** Open an outgoing TCP connection with this id. */
  | { readonly type: 'connect'; readonly connection: number }
  | { readonly type: 'send'; readonly connection: number; readonly message: BgpMessage }
  /** Close the TCP connection (after what was sent on it is flushed). */
  | { readonly type: 'close'; readonly connection: number }
  /** (Re)start a timer; a running one of the same name and connection is replaced. */
  | {
      readonly type: 'startTimer';
      readonly timer: TimerName;
      readonly connection?: number;
      readonly ms: number;
    }
  | { readonly type: 'stopTimer'; readonly timer: TimerName; readonly connection?: number }
  /** The session reached Established on this connection: send the Adj-RIB-Out. */
  | {
      readonly type: 'established';
      readonly connection: number;
      readonly negotiated: Negotiated;
      readonly peerOpen: OpenMessage;
    }
  /** The Established session ended. */
  | { readonly type: 'sessionDown'; readonly reason: string };
