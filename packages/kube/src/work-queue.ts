import { type BackoffOptions, backoffDelayMs, type Random } from './backoff.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';

/**
 * Per-key retry delays: 5 ms doubling to 10 s. 10 s keeps recovery after an API outage quick
 * while a key that keeps failing costs at most one request per 10 s.
 */
export const defaultBackoff: BackoffOptions = { baseDelayMs: 5, maxDelayMs: 10_000 };

/**
 * A de-duplicating, rate-limited work queue in the style of client-go's: a key waits at most once
 * in the queue, is never handed to two workers at once, and a key added while being processed is
 * processed again afterwards. Informer callbacks only `add`; workers `get` and `done`.
 */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #backoff: BackoffOptions;
  readonly #random: Random;
  /** Keys ready to hand out, in arrival order (head index avoids O(n) shifts). */
  #ready: string[] = [];
  #head = 0;
  /** Keys that need processing: queued, or added again while processing. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, { readonly at: number; readonly handle: TimerHandle }>();
  readonly #failures = new Map<string, number>();
  readonly #waiters: Array<(key: string | undefined) => void> = [];
  #shutDown = false;

  constructor(options: { clock?: Clock; backoff?: BackoffOptions; random?: Random } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#random = options.random ?? Math.random;
  }

  /** Keys waiting to be handed out (not counting delayed ones). */
  get length(): number {
    return this.#ready.length - this.#head;
  }

  /** Keys waiting, delayed, or being processed. */
  get pending(): number {
    return this.#dirty.size + this.#processing.size + this.#delayed.size;
  }

  /** Whether nothing is queued, delayed or in progress. */
  get idle(): boolean {
    return this.#dirty.size === 0 && this.#processing.size === 0 && this.#delayed.size === 0;
  }

  add(key: string): void {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#ready.push(key);
  }

  /** Adds `key` after `delayMs`; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.#clock.clearTimeout(existing.handle);
    const handle = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { at, handle });
  }

  /** Adds `key` after its backoff delay and counts one more failure for it. */
  addRateLimited(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delayMs = backoffDelayMs(this.#backoff, failures, this.#random);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Consecutive failures counted for `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resets the backoff of `key` (it succeeded). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /**
   * The next key to process; waits for one. Resolves `undefined` once the queue shuts down or
   * `signal` aborts. Every key returned must be passed to `done`.
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    if (this.#shutDown || signal?.aborted) return Promise.resolve(undefined);
    if (this.length > 0) {
      const key = this.#ready[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
        this.#ready = this.#ready.slice(this.#head);
        this.#head = 0;
      }
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => {
      const waiter = (key: string | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(key);
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Marks `key` finished; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  /** Stops handing out keys and drops delayed ones. */
  shutDown(): void {
    this.#shutDown = true;
    for (const { handle } of this.#delayed.values()) this.#clock.clearTimeout(handle);
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
