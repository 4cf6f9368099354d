/**
 * openNeighborResponder: a native thread (native/neighbor_responder.cc) that answers ARP requests
 * and IPv6 Neighbor Solicitations for the addresses the caller announces, on packet connections
 * the caller opened (bind, BPF filter and multicast groups stay the caller's). It settles only the
 * plain case, an untagged well-formed request for an announced address from another host that
 * does not name an announced address as its sender, and counts what it did; every other ARP or
 * NDP frame that passes the per-source rate limit comes out of the connection's `receive()` for
 * the caller to judge (conflicts, hand-overs, tagged frames, duplicate address detection,
 * malformed frames). Answers leave without waking JavaScript, and without a second V8 isolate.
 * Callbacks run on the thread that opened the responder.
 */
import { BatchQueue } from './batch-queue.ts';
import { macBytes } from './mac-address.ts';
import { callNative, loadAddon, type NativeNeighborResponder, toSocketError } from './native-addon.ts';
import type { LinuxPacketConn } from './open-packet-conn.ts';
import {
  defaultHighWaterMarkFrames,
  type FrameBatch,
  type PacketConn,
  type ReceiveOptions,
} from './packet-conn.ts';
import { ConnClosedError, InvalidArgumentError, ReceiveBusyError, SocketOp } from './packet-socket-error.ts';

export type NeighborRateLimit = {
  /** Sustained frames per second allowed from one Ethernet source. */
  readonly perSourcePerSecond: number;
  /** Frames one source may send in a burst above the sustained rate. */
  readonly burst: number;
  /** Sources tracked at once; when full, the least recently seen half is forgotten. */
  readonly maxSources: number;
};

export type NeighborCpuBudget = {
  /** SCHED_FIFO priority of the thread (1–99) while within its budget. */
  readonly priority: number;
  /** Share of one CPU (0–1) the thread may use over a window and stay realtime. */
  readonly maxBusyShare: number;
  readonly windowMs: number;
  /** How long to stay in the normal class after going over budget, ms. */
  readonly cooldownMs: number;
};

export type NeighborPriorityChange = {
  readonly realtime: boolean;
  /** Busy share of the window that caused the change. */
  readonly busyShare: number;
  /** Why the priority could not be changed (realtime then says where the thread still is). */
  readonly error?: string;
};

export type OpenNeighborResponderOptions = {
  /** Per-source limit on ARP and NDP frames; without it every frame is handled. */
  readonly rateLimit?: NeighborRateLimit;
  /** Realtime scheduling within a CPU budget; without it the thread runs in the normal class. */
  readonly realtime?: NeighborCpuBudget;
  readonly onPriorityChange?: (change: NeighborPriorityChange) => void;
  /** Receiving failed on a connection (it stays attached; ENETDOWN is not reported). */
  readonly onReceiveError?: (ifname: string, error: unknown) => void;
};

/** What the thread counted: as the speaker's responder counts (`arp`/`ndp` by outcome, `request`/`response` by address label). */
export type NeighborCount = readonly [kind: 'arp' | 'ndp' | 'request' | 'response', label: string, n: number];

/** An address answered on a connection: its bytes (4 or 16) and the label it is counted under. */
export type AnsweredAddress = { readonly address: Uint8Array; readonly label: string };

export interface NeighborResponder {
  /** Why the requested realtime priority was refused at start (the thread runs anyway). */
  readonly realtimeError: string | undefined;
  /**
   * The thread reads `conn` from now on (its `receive()` is refused); `mac` is the interface's
   * MAC, the answers' source. Close the returned connection, not `conn`.
   */
  attach(conn: LinuxPacketConn, mac: string | Uint8Array): NeighborConn;
  /** Counts since the last call (nothing twice, nothing lost when an address goes). */
  takeCounts(): NeighborCount[];
  /** Goes up at least once a second while the thread runs its loop (a liveness signal). */
  beats(): number;
  /** Ends the thread; attached connections stop being answered (close them yourself). */
  close(): void;
}

const eventFrames = 0;
const eventPriority = 1;

export function openNeighborResponder(options: OpenNeighborResponderOptions = {}): NeighborResponder {
  const { NeighborResponder: Native } = loadAddon('the neighbor responder');
  const { rateLimit, realtime } = options;
  if (
    realtime !== undefined &&
    (!Number.isInteger(realtime.priority) || realtime.priority < 1 || realtime.priority > 99)
  ) {
    throw new InvalidArgumentError('realtime.priority', `${realtime.priority} is not an integer in 1–99`);
  }
  const conns = new Map<number, NeighborConn>();
  const native: NativeNeighborResponder = new Native(
    (kind, ...args) => {
      if (kind === eventFrames) {
        conns.get(args[0] as number)?._deliver(args[1] as Buffer, args[2] as Uint32Array);
      } else if (kind === eventPriority) {
        const [isRealtime, busyShare, error] = args as [boolean, number, string | undefined];
        options.onPriorityChange?.({
          realtime: isRealtime,
          busyShare,
          ...(error === undefined ? {} : { error }),
        });
      } else {
        const conn = conns.get(args[0] as number);
        if (conn !== undefined) {
          options.onReceiveError?.(conn.ifname, toSocketError(args[1], SocketOp.receive, conn.ifname));
        }
      }
    },
    rateLimit === undefined || rateLimit.perSourcePerSecond === Number.POSITIVE_INFINITY
      ? [0, 0, 0]
      : [rateLimit.perSourcePerSecond, rateLimit.burst, rateLimit.maxSources],
    realtime === undefined
      ? [0, 0, 0, 0]
      : [realtime.priority, realtime.maxBusyShare, realtime.windowMs, realtime.cooldownMs],
  );
  return {
    realtimeError: native.startError,
    attach(conn, mac) {
      const { fd, slotBytes } = conn.lendReceiveSide();
      const port = callNative(SocketOp.receive, conn.ifname, () =>
        native.attach(fd, macBytes(mac), slotBytes),
      );
      const answering = new NeighborConn(conn, native, port, () => conns.delete(port));
      conns.set(port, answering);
      return answering;
    },
    takeCounts() {
      const flat = native.takeCounts();
      const out: NeighborCount[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        out.push([flat[i] as NeighborCount[0], flat[i + 1] as string, flat[i + 2] as number]);
      }
      return out;
    },
    beats: () => native.beats(),
    close: () => native.close(),
  };
}

/**
 * A packet connection whose requests the neighbor responder answers. `receive()` yields the
 * frames the thread left to the caller; sending, filtering and groups go to the connection.
 */
export class NeighborConn implements PacketConn {
  readonly #conn: LinuxPacketConn;
  readonly #native: NativeNeighborResponder;
  readonly #port: number;
  readonly #forget: () => void;
  #queue: BatchQueue | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Made by NeighborResponder.attach. */
  constructor(conn: LinuxPacketConn, native: NativeNeighborResponder, port: number, forget: () => void) {
    this.#conn = conn;
    this.#native = native;
    this.#port = port;
    this.#forget = forget;
  }

  get ifname(): string {
    return this.#conn.ifname;
  }

  get ifindex(): number {
    return this.#conn.ifindex;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The addresses the thread answers on this connection from now on (replaces the last set). */
  setAnswered(addresses: readonly AnsweredAddress[]): void {
    if (this.closed) throw new ConnClosedError(SocketOp.receive, this.ifname);
    const v4 = addresses.filter((a) => a.address.length === 4);
    const v6 = addresses.filter((a) => a.address.length === 16);
    if (v4.length + v6.length !== addresses.length) {
      throw new InvalidArgumentError('addresses', 'each address is 4 (IPv4) or 16 (IPv6) bytes');
    }
    this.#native.setAnswered(
      this.#port,
      Buffer.concat(v4.map((a) => a.address)),
      v4.map((a) => a.label),
      Buffer.concat(v6.map((a) => a.address)),
      v6.map((a) => a.label),
    );
  }

  send(frame: Uint8Array): void {
    this.#conn.send(frame);
  }

  sendBatch(frames: readonly Uint8Array[]): number {
    return this.#conn.sendBatch(frames);
  }

  setFilter(...args: Parameters<LinuxPacketConn['setFilter']>): void {
    this.#conn.setFilter(...args);
  }

  addMembership(mac: string | Uint8Array): void {
    this.#conn.addMembership(mac);
  }

  dropMembership(mac: string | Uint8Array): void {
    this.#conn.dropMembership(mac);
  }

  receive(options: ReceiveOptions = {}): AsyncIterableIterator<FrameBatch> {
    if (this.#queue !== undefined) throw new ReceiveBusyError(this.ifname);
    const queue = new BatchQueue(options.highWaterMarkFrames ?? defaultHighWaterMarkFrames, {
      pause: () => this.#native.setPaused(this.#port, true),
      resume: () => this.#native.setPaused(this.#port, false),
      detach: () => {
        if (this.#queue === queue) this.#queue = undefined;
      },
    });
    if (this.closed) queue.finish();
    else this.#queue = queue;
    return queue;
  }

  /** @internal Frames from the thread (one wake-up's, back to back in `data`). */
  _deliver(data: Buffer, lengths: Uint32Array): void {
    const queue = this.#queue;
    if (queue === undefined) return;
    const frames: Buffer[] = new Array(lengths.length);
    let offset = 0;
    for (let i = 0; i < lengths.length; i++) {
      frames[i] = data.subarray(offset, offset + lengths[i]!);
      offset += lengths[i]!;
    }
    queue.push(frames);
  }

  /** Stops the thread reading the socket, then closes it. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#native.detach(this.#port);
    this.#forget();
    this.#queue?.finish();
    this.#closing = this.#conn.close();
    return this.#closing;
  }
}
