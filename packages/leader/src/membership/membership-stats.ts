import type { OffloadStats } from './offload.ts';
import type { PacketDropReason } from './packet.ts';

/** Why a received datagram (or one message in it) was ignored. */
export type DropReason =
  | PacketDropReason
  /** Authentic, but its (epoch, counter) was seen before or is too old. */
  | 'replayed'
  /** Authentic, but the messages inside do not decode. */
  | 'malformed'
  /** A ping meant for another member (stale address after a restart). */
  | 'misdirected'
  /** Carries our own name: a reflection of our own traffic. */
  | 'fromSelf'
  /** Arrived while stopped. */
  | 'notRunning';

export const dropReasons: readonly DropReason[] = [
  'oversized',
  'truncated',
  'version',
  'unknownKey',
  'authFailed',
  'replayed',
  'malformed',
  'misdirected',
  'fromSelf',
  'notRunning',
];

/** Traffic and health counters of one member since start. */
export type MembershipStats = {
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Event listeners that threw (the error is swallowed so the protocol keeps running). */
  readonly listenerErrors: number;
  /** Lifeguard local-health score, 0 when healthy. */
  readonly awareness: number;
  /** With an offload: what it did on its own (the totals above include its traffic). */
  readonly offloaded?: OffloadStats;
};
