/** A BfdClock that moves only when told to, running due callbacks in time order. */
import type { BfdClock } from '../bfd-transport.ts';

export class ManualClock implements BfdClock {
  #nowUs = 0;
  #sequence = 0;
  readonly #timers = new Map<number, { atUs: number; callback: () => void }>();

  nowUs(): number {
    return this.#nowUs;
  }

  schedule(delayUs: number, callback: () => void): () => void {
    const id = this.#sequence++;
    this.#timers.set(id, { atUs: this.#nowUs + Math.max(0, delayUs), callback });
    return () => {
      this.#timers.delete(id);
    };
  }

  /** Advances to `nowUs + deltaUs`, firing every timer due on the way at its own time. */
  advance(deltaUs: number): void {
    const until = this.#nowUs + deltaUs;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, timer] of this.#timers) {
        if (timer.atUs < nextAt) {
          nextAt = timer.atUs;
          nextId = id;
        }
      }
      if (nextId === undefined || nextAt > until) break;
      const timer = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#nowUs = Math.max(this.#nowUs, timer.atUs);
      timer.callback();
    }
    this.#nowUs = until;
  }
}
