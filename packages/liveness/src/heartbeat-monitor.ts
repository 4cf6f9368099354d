/**
 * Liveness of something that beats on its own schedule (a thread's timer, a loop's tick): it is
 * stalled once no beat has come for longer than `maxSilenceMs`.
 */

/** Milliseconds from a monotonic source (`performance.now()` in production). */
export type LivenessClock = { readonly now: () => number };

export const monotonicClock: LivenessClock = { now: () => performance.now() };

export type HeartbeatOptions = {
  /** Silence longer than this is a stall, ms. */
  readonly maxSilenceMs: number;
};

export class HeartbeatMonitor {
  readonly #options: HeartbeatOptions;
  readonly #clock: LivenessClock;
  #lastBeat: number;

  /** The monitor starts as if a beat had just come: a stall needs `maxSilenceMs` of silence. */
  constructor(options: HeartbeatOptions, clock: LivenessClock = monotonicClock) {
    this.#options = options;
    this.#clock = clock;
    this.#lastBeat = clock.now();
  }

  beat(): void {
    this.#lastBeat = this.#clock.now();
  }

  /** How long since the last beat, ms. */
  silenceMs(): number {
    return this.#clock.now() - this.#lastBeat;
  }

  stalled(): boolean {
    return this.silenceMs() > this.#options.maxSilenceMs;
  }
}
