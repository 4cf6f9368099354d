import type { Awareness } from './awareness.ts';
import type { BroadcastQueue } from './broadcast-queue.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { MemberEventReason, MemberState } from './member.ts';
import type { MemberEntry, MemberView } from './member-view.ts';
import type { MembershipConfig } from './membership-config.ts';
import type { Message } from './message.ts';
import type { MembershipOffload } from './offload.ts';

/**
 * What the protocol mechanisms (probing, state rules, state exchange) share inside one Membership.
 * Internal: not exported from the package.
 */
export interface MemberContext {
  readonly name: string;
  /** Our advertised transport address. */
  readonly address: string;
  readonly config: MembershipConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly view: MemberView;
  readonly queue: BroadcastQueue;
  readonly awareness: Awareness;
  /** True while started and neither leaving nor stopped. */
  readonly running: boolean;
  /** The transport that can run the steady state on its own, if there is one. */
  readonly offload: MembershipOffload | undefined;
  /** True while the offload may answer and probe on its own (see Membership's #updateQuiet). */
  readonly quiet: boolean;
  /** Send `messages` (plus queued updates when `piggyback`) in one authenticated packet. */
  send(address: string, messages: readonly Message[], piggyback: boolean): void;
  /** Run `fn` after `delayMs` unless the member stops first. */
  after(delayMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
  /** Start gossip rounds if updates are pending. */
  kickGossip(): void;
  emit(
    e: MemberEntry,
    type: MemberState,
    reason: MemberEventReason,
    by: string | undefined,
    previous: MemberState | undefined,
  ): void;
}
