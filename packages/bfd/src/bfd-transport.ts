/**
 * The I/O a BFD endpoint needs, as a small injected interface: one receive path for all
 * sessions (the well-known ports) and one sender per session (its own source port, RFC 5881 §4).
 * The Linux implementation is openUdpTransport; an in-memory one is in /testing.
 */
import type { PacerStats, PaceSchedule } from '@baremetal-lb/packet-socket';

/** Where a session's packets go and come from. */
export type PeerAddress = {
  /** The peer's IP address. */
  readonly peerAddress: string;
  /** Our source address; default: the kernel picks by route. */
  readonly localAddress?: string;
  /** RFC 5883 multihop (port 4784, TTL not forced to 255 on receive). Default false. */
  readonly multihop?: boolean;
  /** Interface to bind to (single hop over a given link). */
  readonly device?: string;
};

/** One received datagram on a BFD port. */
export type BfdDatagram = {
  readonly data: Uint8Array;
  readonly fromAddress: string;
  readonly fromPort: number;
  /** Received TTL / hop limit; -1 if unknown. */
  readonly ttl: number;
  readonly multihop: boolean;
  /** When it was read, on the endpoint's clock (µs), if the transport knows better than "now". */
  readonly receivedAtUs?: number;
};

/**
 * What a transport with a native pacer needs to take over a session's periodic transmission and
 * detection timer (RFC 5880 §6.8.4, §6.8.7): the key received packets carry in Your
 * Discriminator, the GTSM minimum, and whom to tell when the detection time ran out.
 */
export type SessionPacing = {
  readonly localDiscriminator: number;
  readonly minimumTtl: number;
  /** The detection time ran out at `atUs` (the endpoint's clock) without a valid packet. */
  readonly onDetectionExpired: (atUs: number) => void;
};

/** The pacer's view of a session (what the state machine says now) and its counters. */
export type { PacerStats, PaceSchedule };

export interface BfdSender {
  /** The source port this session sends from. */
  readonly sourcePort: number;
  /** Sends one control packet; false if the kernel dropped it (socket buffer full). */
  send(packet: Uint8Array): boolean;
  /**
   * Present when a pacer thread owns this session's timing: replaces what it sends periodically
   * and its detection time. `send` then restarts the periodic schedule too.
   */
  pace?(schedule: PaceSchedule): void;
  close(): void;
}

export interface BfdTransport {
  /** Starts delivering received datagrams on the ports `peer` needs; idempotent per port. */
  listen(peer: PeerAddress, onDatagram: (datagram: BfdDatagram) => void): void;
  /**
   * A sender with a fixed source port in 49152-65535 for one session. With `pacing`, a transport
   * that has a pacer thread hands the session's timing to it (the sender then has `pace`).
   */
  openSender(peer: PeerAddress, pacing?: SessionPacing): BfdSender;
  /** The pacer thread's counters, if there is one. */
  pacerStats?(): PacerStats;
  close(): void;
}

/** Time and timers, injected so tests can drive them. */
export interface BfdClock {
  /** Microseconds on a monotonic clock. */
  nowUs(): number;
  /** Calls `callback` after `delayUs`; returns a function that cancels it. */
  schedule(delayUs: number, callback: () => void): () => void;
}

/** performance.now() and setTimeout (millisecond resolution, rounded up). */
export const systemClock: BfdClock = {
  nowUs: () => performance.now() * 1000,
  schedule: (delayUs, callback) => {
    const timer = setTimeout(callback, Math.max(0, Math.ceil(delayUs / 1000)));
    return () => clearTimeout(timer);
  },
};
