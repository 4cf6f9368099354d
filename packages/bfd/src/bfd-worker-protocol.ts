/** Messages between BfdWorker (caller's thread) and bfd-worker-main (the worker thread). */
import type { EndpointStats, SessionInfo, SessionSpec, StateChange } from './bfd-endpoint.ts';
import type { PeerAddress } from './bfd-transport.ts';
import type { UdpTransportOptions } from './udp-transport.ts';

export type WorkerStartOptions = UdpTransportOptions & {
  /**
   * SCHED_FIFO priority (1-99) for the worker thread, and one above it for the pacer thread;
   * needs CAP_SYS_NICE. Default: none.
   */
  readonly realtimePriority?: number;
  /**
   * Who times unauthenticated sessions (periodic packets, detection): 'native', packet-socket's
   * pacer thread (default), or 'js', the worker's event loop. Authenticated sessions are always
   * timed by the worker (README, "Timing under load").
   */
  readonly pacer?: 'native' | 'js';
};

export type WorkerRequest =
  | { readonly id: number; readonly op: 'addSession'; readonly spec: SessionSpec }
  | { readonly id: number; readonly op: 'removeSession'; readonly peer: PeerAddress }
  | { readonly id: number; readonly op: 'setAdminDown'; readonly peer: PeerAddress; readonly down: boolean }
  | { readonly id: number; readonly op: 'sessions' }
  | { readonly id: number; readonly op: 'stats' }
  | { readonly id: number; readonly op: 'close' };

export type WorkerReply =
  | {
      readonly kind: 'reply';
      readonly id: number;
      readonly value: SessionInfo | SessionInfo[] | EndpointStats | boolean | undefined;
    }
  | { readonly kind: 'error'; readonly id: number; readonly code: string; readonly message: string }
  | { readonly kind: 'stateChange'; readonly change: StateChange }
  | { readonly kind: 'ready'; readonly realtime: string };
