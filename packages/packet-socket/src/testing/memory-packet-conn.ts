/**
 * An in-memory PacketConn pair for unit tests of code that uses PacketConn: what one end sends,
 * the other receives (copied, batched per event-loop turn), like two ends of a veth pair.
 * Behaves like the socket where tests care: backpressure, one receiver at a time, idempotent
 * close, ENETDOWN while "down", and frames held (up to a cap, then dropped and counted) while
 * nobody reads.
 */
import { BatchQueue } from '../batch-queue.ts';
import type { BpfProgram } from '../bpf/bpf-instruction.ts';
import { runBpf } from '../bpf/run-bpf.ts';
import {
  defaultHighWaterMarkFrames,
  type FrameBatch,
  type PacketConn,
  type ReceiveOptions,
} from '../packet-conn.ts';
import { ConnClosedError, ReceiveBusyError, SocketError, SocketOp } from '../packet-socket-error.ts';

/** Linux ENETDOWN, the errno a real socket returns when sending on a down interface. */
const enetdown = 100;

export type MemoryPacketConnOptions = {
  readonly ifname?: string;
  readonly ifindex?: number;
  /**
   * Receive-side filter: a classic BPF program (run as the kernel would, e.g. arpRequestFilter())
   * or a predicate; a rejected frame is dropped and counted.
   */
  readonly filter?: MemoryFilter;
  /** Frames held while nobody reads, like the socket receive buffer. Default 65536 frames. */
  readonly bufferFrames?: number;
};

export type MemoryFilter = ((frame: Uint8Array) => boolean) | BpfProgram;

function toPredicate(filter: MemoryFilter | undefined): ((frame: Uint8Array) => boolean) | undefined {
  if (filter === undefined || typeof filter === 'function') return filter;
  return (frame) => runBpf(filter, frame) > 0;
}

export class MemoryPacketConn implements PacketConn {
  readonly ifname: string;
  readonly ifindex: number;
  /** Every frame this end sent, in order (copies). */
  readonly sent: Buffer[] = [];
  #peer: MemoryPacketConn | undefined;
  #filter: ((frame: Uint8Array) => boolean) | undefined;
  readonly #bufferFrames: number;
  #held: Buffer[] = [];
  #flushScheduled = false;
  #queue: BatchQueue | undefined;
  #paused = false;
  #up = true;
  #closed = false;
  #filtered = 0;
  #dropped = 0;

  constructor(options: MemoryPacketConnOptions = {}) {
    this.ifname = options.ifname ?? 'mem0';
    this.ifindex = options.ifindex ?? 1;
    this.#filter = toPredicate(options.filter);
    this.#bufferFrames = options.bufferFrames ?? 65_536;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Frames the filter rejected, and frames dropped because the buffer was full. */
  get counters(): { readonly filtered: number; readonly dropped: number } {
    return { filtered: this.#filtered, dropped: this.#dropped };
  }

  /** Connects this end to `peer` (both directions). */
  connect(peer: MemoryPacketConn): void {
    this.#peer = peer;
    peer.#peer = this;
  }

  /** Replaces the receive filter (undefined accepts everything). */
  setFilter(filter: MemoryFilter | undefined): void {
    this.#filter = toPredicate(filter);
  }

  /** Takes the "interface" down or up: while down, sending throws SocketError ENETDOWN. */
  setUp(up: boolean): void {
    this.#up = up;
  }

  /** Delivers frames to this end as if they had arrived from the wire. */
  inject(frames: readonly Uint8Array[]): void {
    if (this.#closed) return;
    for (const frame of frames) {
      if (this.#filter !== undefined && !this.#filter(frame)) {
        this.#filtered++;
        continue;
      }
      if (this.#held.length >= this.#bufferFrames) {
        this.#dropped++;
        continue;
      }
      this.#held.push(Buffer.from(frame));
    }
    this.#scheduleFlush();
  }

  send(frame: Uint8Array): void {
    this.#checkSend(SocketOp.send);
    const copy = Buffer.from(frame);
    this.sent.push(copy);
    this.#peer?.inject([copy]);
  }

  sendBatch(frames: readonly Uint8Array[]): number {
    this.#checkSend(SocketOp.sendBatch);
    const copies = frames.map((frame) => Buffer.from(frame));
    this.sent.push(...copies);
    this.#peer?.inject(copies);
    return frames.length;
  }

  receive(options: ReceiveOptions = {}): AsyncIterableIterator<FrameBatch> {
    if (this.#closed) {
      const finished = new BatchQueue(1, noHooks);
      finished.finish();
      return finished;
    }
    if (this.#queue !== undefined) throw new ReceiveBusyError(this.ifname);
    const queue = new BatchQueue(options.highWaterMarkFrames ?? defaultHighWaterMarkFrames, {
      pause: () => {
        this.#paused = true;
      },
      resume: () => {
        this.#paused = false;
        this.#scheduleFlush();
      },
      detach: () => {
        if (this.#queue === queue) this.#queue = undefined;
        this.#paused = false;
      },
    });
    this.#queue = queue;
    this.#scheduleFlush();
    return queue;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#held = [];
      this.#queue?.finish();
    }
    return Promise.resolve();
  }

  #checkSend(op: SocketOp): void {
    if (this.#closed) throw new ConnClosedError(op, this.ifname);
    if (!this.#up) throw new SocketError({ op, errno: enetdown, ifname: this.ifname });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const queue = this.#queue;
    if (queue === undefined || this.#paused || this.#held.length === 0) return;
    const batch = this.#held;
    this.#held = [];
    queue.push(batch);
  }
}

const noHooks = { pause: () => {}, resume: () => {}, detach: () => {} };

/** Two connected in-memory ends, like the two ends of a veth pair. */
export function createMemoryPacketConnPair(
  a: MemoryPacketConnOptions = {},
  b: MemoryPacketConnOptions = {},
): [MemoryPacketConn, MemoryPacketConn] {
  const left = new MemoryPacketConn({ ifname: 'mem0', ifindex: 1, ...a });
  const right = new MemoryPacketConn({ ifname: 'mem1', ifindex: 2, ...b });
  left.connect(right);
  return [left, right];
}
