/** Time and timers behind one small interface, so schedules are tested with a fake clock. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it (idempotent). */
  after(ms: number, fn: () => void): () => void;
}

/** The process's own monotonic clock and timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
