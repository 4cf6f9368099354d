/**
 * Liveness of this thread's event loop: a timer ticks every `tickMs` and measures how late it ran.
 * The loop is stalled when the last tick came more than `stallMs` late, or when no tick has come
 * for `tickMs + stallMs` (the loop is blocked right now, and a probe's request was served first).
 * A loop that lags a little (GC, a busy core) is not stalled: the kubelet restarts a process only
 * after several failed probes, and lag below `stallMs` heals by itself.
 */
import { type LivenessClock, monotonicClock } from './heartbeat-monitor.ts';

export type EventLoopWatchdogOptions = {
  /** Timer period, ms. */
  readonly tickMs: number;
  /** Lag beyond which the loop counts as stalled, ms. */
  readonly stallMs: number;
};

/**
 * Defaults, ms. A tick per second costs nothing. 5 s of lag is far beyond what a healthy process
 * shows (GC pauses and a loaded 2-core machine stay well under 1 s; membership probes already fail
 * at 1 s), yet short enough that three probes 10 s apart (deploy/'s liveness settings) see a loop
 * that is blocked for good.
 */
export const defaultEventLoopWatchdog: EventLoopWatchdogOptions = { tickMs: 1_000, stallMs: 5_000 };

export class EventLoopWatchdog {
  readonly #options: EventLoopWatchdogOptions;
  readonly #clock: LivenessClock;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTick: number;
  #lagMs = 0;

  constructor(options: EventLoopWatchdogOptions = defaultEventLoopWatchdog, clock = monotonicClock) {
    this.#options = options;
    this.#clock = clock;
    this.#lastTick = clock.now();
  }

  /** Starts ticking; the timer never keeps the process alive. */
  start(): this {
    if (this.#timer !== undefined) return this;
    this.#lastTick = this.#clock.now();
    this.#timer = setInterval(() => this.tick(), this.#options.tickMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One tick: how late it came is the loop's lag. Called by the timer (tests may call it). */
  tick(): void {
    const now = this.#clock.now();
    this.#lagMs = Math.max(0, now - this.#lastTick - this.#options.tickMs);
    this.#lastTick = now;
  }

  /** How late the last tick came, ms. */
  get lagMs(): number {
    return this.#lagMs;
  }

  stalled(): boolean {
    const { tickMs, stallMs } = this.#options;
    return this.#lagMs > stallMs || this.#clock.now() - this.#lastTick > tickMs + stallMs;
  }
}
