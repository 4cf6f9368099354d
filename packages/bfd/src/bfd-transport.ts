/**
 * The I/O a BFD endpoint needs, as a small injected interface: one receive path for all
 * sessions (the well-known ports) and one sender per session (its own source port, RFC 5881 §4).
 * The Linux implementation is openUdpTransport; an in-memory one is in /testing.
 */

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
};

export interface BfdSender {
  /** The source port this session sends from. */
  readonly sourcePort: number;
  /** Sends one control packet; false if the kernel dropped it (socket buffer full). */
  send(packet: Uint8Array): boolean;
  close(): void;
}

export interface BfdTransport {
  /** Starts delivering received datagrams on the ports `peer` needs; idempotent per port. */
  listen(peer: PeerAddress, onDatagram: (datagram: BfdDatagram) => void): void;
  /** A sender with a fixed source port in 49152-65535 for one session. */
  openSender(peer: PeerAddress): BfdSender;
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
