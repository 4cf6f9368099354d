/** A BgpClock that moves only when told to, running due callbacks in time order. */
import type { BgpClock } from '../bgp-clock.ts';

export class ManualClock implements BgpClock {
  #nowMs = 0;
  #sequence = 0;
  readonly #timers = new Map<number, { readonly atMs: number; readonly callback: () => void }>();

  nowMs(): number {
    return this.#nowMs;
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  schedule(delayMs: number, callback: () => void): () => void {
    const id = this.#sequence++;
    this.#timers.set(id, { atMs: this.#nowMs + Math.max(0, delayMs), callback });
    return () => {
      this.#timers.delete(id);
    };
  }

  /** Advances by `deltaMs`, firing every timer due on the way at its own time. */
  advance(deltaMs: number): void {
    const until = this.#nowMs + deltaMs;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.#timers) {
        if (timer.atMs < nextAt) {
          nextAt = timer.atMs;
          nextId = id;
        }
      }
      if (nextId === undefined || nextAt > until) break;
      const timer = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#nowMs = Math.max(this.#nowMs, timer.atMs);
      timer.callback();
    }
    this.#nowMs = until;
  }
}
