import { type Clock, sleep } from './clock.ts';

/** A client-side request budget (client-go's --kube-api-qps / --kube-api-burst). */
export type RateLimit = {
  /** Sustained requests per second. */
  readonly qps: number;
  /** Requests allowed at once after a quiet period. */
  readonly burst: number;
};

/**
 * A token bucket: `burst` tokens, refilled at `qps` per second. Waiters are served in order, so
 * a storm of requests queues instead of reaching the API server at once.
 */
export class TokenBucket {
  readonly #clock: Clock;
  readonly #limit: RateLimit;
  #tokens: number;
  #updatedMs: number;
  /** Tail of the waiting line: each waiter starts after the previous one got its token. */
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit, clock: Clock) {
    if (!(limit.qps > 0) || !(limit.burst >= 1))
      throw new RangeError(`rate limit needs qps > 0 and burst >= 1`);
    this.#limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#updatedMs = clock.now();
  }

  /** Tokens available now (fractional while refilling). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Resolves when a token was taken; resolves at once (without a token) when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#takeInTurn(signal));
    this.#queue = turn;
    return turn;
  }

  async #takeInTurn(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#limit.qps) * 1000);
      await sleep(this.#clock, waitMs, signal);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsedMs = Math.max(0, now - this.#updatedMs);
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + (elapsedMs / 1000) * this.#limit.qps);
    this.#updatedMs = now;
  }
}
