import type { TimerHandle } from './clock.ts';
import type { Member, MemberState, MembershipSnapshot } from './member.ts';
import type { Suspicion } from './suspicion.ts';

/** The mutable record behind one member; never leaves the package (snapshots copy it). */
export type MemberEntry = {
  readonly name: string;
  address: string;
  state: MemberState;
  incarnation: number;
  sinceMs: number;
  suspicion?: Suspicion | undefined;
  suspicionTimer?: TimerHandle | undefined;
  /** Incarnation at which this node already sent its own confirming probe. */
  confirmProbedIncarnation?: number | undefined;
};

/**
 * The local view: one entry per known member (the local one included), the shuffled round-robin
 * probe order, and cached immutable snapshots.
 */
export class MemberView {
  readonly self: string;
  readonly #entries = new Map<string, MemberEntry>();
  readonly #random: () => number;
  #version = 0;
  #snapshot: MembershipSnapshot | undefined;
  #probeOrder: string[] = [];
  #probeIndex = 0;

  constructor(self: string, random: () => number) {
    this.self = self;
    this.#random = random;
  }

  get(name: string): MemberEntry | undefined {
    return this.#entries.get(name);
  }

  get version(): number {
    return this.#version;
  }

  /** Add a member never seen before; it joins the probe order at a random place. */
  add(entry: MemberEntry): void {
    this.#entries.set(entry.name, entry);
    if (entry.name !== this.self) {
      const at = Math.floor(this.#random() * (this.#probeOrder.length + 1));
      this.#probeOrder.splice(at, 0, entry.name);
    }
    this.touch();
  }

  /** Forget a member entirely (tombstone expired). */
  remove(name: string): void {
    if (!this.#entries.delete(name)) return;
    const at = this.#probeOrder.indexOf(name);
    if (at >= 0) {
      this.#probeOrder.splice(at, 1);
      if (at < this.#probeIndex) this.#probeIndex--;
    }
    this.touch();
  }

  /** Record that some entry changed, invalidating the snapshot. */
  touch(): void {
    this.#version++;
    this.#snapshot = undefined;
  }

  /** Entries other than self whose state is alive or suspect: the members one talks to. */
  reachable(): MemberEntry[] {
    const out: MemberEntry[] = [];
    for (const e of this.#entries.values()) {
      if (e.name !== this.self && (e.state === 'alive' || e.state === 'suspect')) out.push(e);
    }
    return out;
  }

  entries(): IterableIterator<MemberEntry> {
    return this.#entries.values();
  }

  /** Alive + suspect members including self. */
  get liveCount(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.state === 'alive' || e.state === 'suspect') n++;
    return n;
  }

  /**
   * Next member to probe: a shuffled round robin over reachable members (SWIM §4.3), so every member
   * is probed by each peer once per round and the time to first probe is bounded.
   */
  nextProbeTarget(): MemberEntry | undefined {
    for (let tries = 0; tries <= this.#probeOrder.length; tries++) {
      if (this.#probeIndex >= this.#probeOrder.length) this.#reshuffle();
      const name = this.#probeOrder[this.#probeIndex++];
      if (name === undefined) return undefined;
      const e = this.#entries.get(name);
      if (e !== undefined && (e.state === 'alive' || e.state === 'suspect')) return e;
    }
    return undefined;
  }

  /** `count` distinct random members from `from` (partial Fisher-Yates). */
  pick<T>(from: readonly T[], count: number): T[] {
    const a = [...from];
    const n = Math.min(count, a.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.#random() * (a.length - i));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, n);
  }

  snapshot(): MembershipSnapshot {
    if (this.#snapshot === undefined) {
      const members: Member[] = [...this.#entries.values()]
        .map((e) =>
          Object.freeze({
            name: e.name,
            address: e.address,
            state: e.state,
            incarnation: e.incarnation,
            sinceMs: e.sinceMs,
          }),
        )
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.#snapshot = Object.freeze({
        version: this.#version,
        self: this.self,
        members: Object.freeze(members),
      });
    }
    return this.#snapshot;
  }

  #reshuffle(): void {
    this.#probeOrder = this.pick(
      [...this.#entries.keys()].filter((n) => n !== this.self),
      this.#entries.size,
    );
    this.#probeIndex = 0;
  }
}
