/**
 * The messages between the speaker's main thread and its responder thread (structured-clone
 * plain data only). The responder thread owns the packet sockets and answers ARP/NDP on its own
 * event loop, so informer, membership and status work on the main thread never delays a reply.
 */
import type { Placement, ResponderInterface } from '../announce/announcer.ts';
import type { InterfaceInfo } from '../interfaces/interface-eligibility.ts';
import type { ConflictReport } from '../responder/conflict-detector.ts';
import type { RateLimitOptions } from '../responder/source-rate-limiter.ts';
import type { CountEntry } from './pending-counts.ts';
import type { PriorityChange } from './realtime-budget.ts';

/** What the responder thread is started with (its `workerData`). */
export type ResponderThreadConfig = {
  /** SO_RCVBUF of each packet socket, bytes. */
  readonly receiveBufferBytes: number;
  readonly rateLimit: RateLimitOptions;
  /**
   * SCHED_FIFO priority for the responder thread (1–99), within the CPU budget of
   * realtime-budget.ts; 0 leaves it in the normal class.
   */
  readonly realtimePriority: number;
  /** How long counts may wait before they are handed to the main thread, ms. */
  readonly countFlushMs: number;
  /** The thread posts a heartbeat this often, ms; its silence is the liveness probe's business. */
  readonly heartbeatMs: number;
};

export type ToResponderThread =
  | { readonly type: 'setInterfaces'; readonly id: number; readonly eligible: readonly InterfaceInfo[] }
  | { readonly type: 'add' | 'remove' | 'release' | 'sendGratuitous'; readonly placement: Placement }
  | { readonly type: 'close'; readonly id: number };

export type FromResponderThread =
  | { readonly type: 'ready'; readonly realtimeError?: string }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'interfaces'; readonly id: number; readonly interfaces: readonly ResponderInterface[] }
  | { readonly type: 'closed'; readonly id: number }
  | { readonly type: 'counts'; readonly counts: readonly CountEntry[] }
  | { readonly type: 'conflict'; readonly report: ConflictReport }
  | { readonly type: 'handedOver'; readonly placement: Placement; readonly mac: string }
  | { readonly type: 'interfaceError'; readonly ifname: string; readonly message: string }
  | { readonly type: 'sendError'; readonly message: string }
  | { readonly type: 'priority'; readonly change: PriorityChange };
