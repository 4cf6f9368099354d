import type { Clock } from '../layer2/announce/clock.ts';

type Pending = { at: number; seq: number; fn: () => void; cancelled: boolean };

/** A manual clock for unit tests: timers fire only inside `advance`, in time order. */
export class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  #pending: Pending[] = [];

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const entry: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Timers not yet fired or cancelled. */
  get pendingCount(): number {
    return this.#pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they add). */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      this.#pending = this.#pending.filter((p) => !p.cancelled);
      this.#pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#pending[0];
      if (next === undefined || next.at > until) break;
      this.#pending.shift();
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }
}
