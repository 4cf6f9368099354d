import { LeaderError, LeaderErrorCode } from '../leader-error.ts';
import type { Clock } from '../membership/clock.ts';
import type { PacketHandler, Transport } from '../membership/transport.ts';

export type MemoryNetworkOptions = {
  /** Drives delivery delays; use the same FakeClock as the members. */
  readonly clock: Clock;
  /** Returns floats in [0, 1); seed it (see `seededRandom`) for reproducible runs. */
  readonly random: () => number;
  /** Probability in [0, 1] that any one datagram is lost. Default 0. */
  readonly loss?: number;
  /** One-way delay bounds in ms, drawn uniformly per datagram. Default 0.1 to 0.5 (a switched LAN). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
};

/** Byte and packet counters of one address. */
export type TrafficCounters = {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
};

/**
 * An in-memory datagram network for tests: loss, delay (so reordering), partitions, and hard kills.
 * Delivery goes through the clock, so with a FakeClock nothing happens until it advances.
 */
export class MemoryNetwork {
  readonly #clock: Clock;
  readonly #random: () => number;
  #loss: number;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #handlers = new Map<string, PacketHandler>();
  readonly #groups = new Map<string, number>();
  readonly #traffic = new Map<string, TrafficCounters>();

  constructor(opts: MemoryNetworkOptions) {
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.#loss = opts.loss ?? 0;
    this.#minDelayMs = opts.minDelayMs ?? 0.1;
    this.#maxDelayMs = opts.maxDelayMs ?? 0.5;
  }

  /** A transport bound to `address`; throws if the address is in use. */
  createTransport(address: string): Transport {
    if (this.#handlers.has(address)) {
      throw new LeaderError(LeaderErrorCode.transportClosed, `address "${address}" is already in use`, {
        address,
      });
    }
    this.#handlers.set(address, () => {});
    let open = true;
    const network = this;
    return {
      localAddress: address,
      send(to, packet) {
        if (open) network.#send(address, to, packet);
      },
      onPacket(handler) {
        if (open) network.#handlers.set(address, handler);
      },
      async close() {
        if (!open) return;
        open = false;
        network.#handlers.delete(address);
      },
    };
  }

  /** Set the loss probability for datagrams sent from now on. */
  setLoss(loss: number): void {
    this.#loss = loss;
  }

  /** Split the network: datagrams cross only between addresses of the same group. */
  partition(...groups: readonly (readonly string[])[]): void {
    this.#groups.clear();
    groups.forEach((g, i) => {
      for (const a of g) this.#groups.set(a, i);
    });
  }

  /** Undo `partition`. */
  heal(): void {
    this.#groups.clear();
  }

  /** Counters for `address` since it first sent or received (zero if never). */
  traffic(address: string): TrafficCounters {
    return { ...this.#counters(address) };
  }

  /** Deliver `packet` to `to` as if sent by `from`, bypassing loss and partitions (for attack tests). */
  inject(from: string, to: string, packet: Uint8Array): void {
    this.#handlers.get(to)?.(Buffer.from(packet), from);
  }

  /** Watch every datagram as it is sent (before loss); returns a function that stops watching. */
  tap(listener: (from: string, to: string, packet: Buffer) => void): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  readonly #taps = new Set<(from: string, to: string, packet: Buffer) => void>();

  #send(from: string, to: string, packet: Uint8Array): void {
    const copy = Buffer.from(packet);
    const sent = this.#counters(from);
    sent.packetsSent++;
    sent.bytesSent += copy.length;
    for (const t of this.#taps) t(from, to, copy);
    if (this.#loss > 0 && this.#random() < this.#loss) return;
    if (this.#groups.get(from) !== this.#groups.get(to)) return;
    const delay = this.#minDelayMs + (this.#maxDelayMs - this.#minDelayMs) * this.#random();
    this.#clock.setTimer(() => {
      const handler = this.#handlers.get(to);
      if (handler === undefined || this.#groups.get(from) !== this.#groups.get(to)) return;
      const got = this.#counters(to);
      got.packetsReceived++;
      got.bytesReceived += copy.length;
      handler(copy, from);
    }, delay);
  }

  #counters(address: string): TrafficCounters {
    let c = this.#traffic.get(address);
    if (c === undefined) {
      c = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0 };
      this.#traffic.set(address, c);
    }
    return c;
  }
}
