/** Time for the session layer, injected so the state machine's timers run on a fake clock in tests. */
export interface BgpClock {
  /** Milliseconds on a monotonic clock. */
  nowMs(): number;
  /** Calls `callback` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, callback: () => void): () => void;
}

/** performance.now() and unref'd setTimeout: a session's timers never keep a process alive. */
export const systemClock: BgpClock = {
  nowMs: () => performance.now(),
  schedule: (delayMs, callback) => {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
