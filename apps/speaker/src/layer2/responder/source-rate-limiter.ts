/**
 * Per-source token buckets for ARP/NS processing, so one host flooding requests cannot starve the
 * process (and every other host's answers). Keys are the Ethernet source MAC (any string or number); the table is bounded
 * so a storm of forged source MACs cannot grow memory: when full, the least recently refilled
 * half is forgotten (those sources start again with a full bucket, which is the safe direction).
 */
export type RateLimitOptions = {
  /** Sustained requests per second allowed from one source. */
  readonly perSourcePerSecond: number;
  /** Requests one source may send in a burst above the sustained rate. */
  readonly burst: number;
  /** Sources tracked at once. */
  readonly maxSources: number;
};

/**
 * 1000/s per source: a router asking for every VIP of a large cluster stays far below it, while a
 * single flooding host is cut to a rate the event loop handles without noticing.
 */
export const defaultRateLimitOptions: RateLimitOptions = {
  perSourcePerSecond: 1000,
  burst: 1000,
  maxSources: 4096,
};

type Bucket = { tokens: number; at: number };

export class SourceRateLimiter {
  readonly #options: RateLimitOptions;
  readonly #buckets = new Map<string | number, Bucket>();
  #dropped = 0;

  constructor(options: RateLimitOptions = defaultRateLimitOptions) {
    this.#options = options;
  }

  /** Takes one token for `source` at time `nowMs`; false means drop (and is counted). */
  allow(source: string | number, nowMs: number): boolean {
    const { perSourcePerSecond, burst } = this.#options;
    // An infinite rate must not reach the arithmetic: 0 ms × Infinity is NaN.
    if (perSourcePerSecond === Number.POSITIVE_INFINITY) return true;
    let bucket = this.#buckets.get(source);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#options.maxSources) this.#evict();
      bucket = { tokens: burst, at: nowMs };
      this.#buckets.set(source, bucket);
    } else {
      const elapsedMs = Math.max(0, nowMs - bucket.at);
      bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * perSourcePerSecond) / 1000);
      bucket.at = nowMs;
      // Map order is insertion order: move the source to the back, so eviction takes idle ones.
      this.#buckets.delete(source);
      this.#buckets.set(source, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.#dropped++;
    return false;
  }

  /** Requests dropped since start. */
  get dropped(): number {
    return this.#dropped;
  }

  get trackedSources(): number {
    return this.#buckets.size;
  }

  #evict(): void {
    let n = Math.ceil(this.#buckets.size / 2);
    for (const key of this.#buckets.keys()) {
      if (n-- <= 0) break;
      this.#buckets.delete(key);
    }
  }
}
