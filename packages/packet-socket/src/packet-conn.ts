/**
 * PacketConn: the one I/O seam between the speaker and the wire. The Linux implementation sits on
 * an AF_PACKET socket (open-packet-conn.ts); an in-memory pair for unit tests comes from
 * `@baremetal-lb/packet-socket/testing`.
 */

/**
 * Frames received in one wake-up of the socket, oldest first. Each frame is a complete Ethernet
 * frame (destination MAC first, 802.1Q tag in place when the frame carried one, no FCS) and an
 * owned copy: it never aliases a reused receive buffer, so it may be kept.
 */
export type FrameBatch = readonly Buffer[];

export type ReceiveOptions = {
  /**
   * Backpressure: when this many frames are queued and not yet taken by the consumer, the
   * connection stops reading the socket; the kernel then holds further frames in the socket's
   * receive buffer (and drops, and counts, what does not fit). Reading resumes when the queue
   * falls to half. Default 4096 frames (about 6 MB of full-size frames).
   */
  readonly highWaterMarkFrames?: number;
};

/** Default for ReceiveOptions.highWaterMarkFrames, in frames. */
export const defaultHighWaterMarkFrames = 4096;

export interface PacketConn {
  /** Name of the interface the connection is bound to. */
  readonly ifname: string;
  /** Kernel index of that interface (in the connection's network namespace). */
  readonly ifindex: number;
  /** True once close() was called. */
  readonly closed: boolean;

  /**
   * Sends one complete Ethernet frame (destination MAC first, no FCS; frames shorter than 60 bytes
   * are sent as given, pad them yourself). Throws SocketError (e.g. `ENETDOWN` when the
   * interface is down, `EAGAIN` when the socket buffer is full) or ConnClosedError.
   */
  send(frame: Uint8Array): void;

  /**
   * Sends frames in order with as few system calls as possible (sendmmsg). Returns how many the
   * kernel accepted: fewer than given only when the socket buffer filled up (retry the rest
   * later). Any other failure throws SocketError.
   */
  sendBatch(frames: readonly Uint8Array[]): number;

  /**
   * Receives frames as an async iterator of batches, one batch per socket wake-up. Only one
   * iterator may be active at a time (ReceiveBusyError otherwise); ending it with `break` or
   * `return()` stops reading without closing. The iterator finishes when the connection closes,
   * and throws SocketError when receiving fails.
   */
  receive(options?: ReceiveOptions): AsyncIterableIterator<FrameBatch>;

  /** Closes the connection; idempotent, safe with frames in flight. Resolves once released. */
  close(): Promise<void>;
}

/** Flattens batches into single frames, for consumers that handle one frame at a time. */
export async function* eachFrame(
  batches: AsyncIterable<FrameBatch>,
): AsyncGenerator<Buffer, void, undefined> {
  for await (const batch of batches) yield* batch;
}
