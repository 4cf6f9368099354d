/**
 * Exponential backoff with jitter: the one retry-delay rule of the apps. Without jitter, every
 * speaker of a cluster relists at the same instant after an API server restart; with it, their
 * retries spread over half of the current delay ("equal jitter").
 */
export type BackoffOptions = {
  /** First delay; doubles with each consecutive failure. */
  readonly baseDelayMs: number;
  /** Upper bound of the delay before jitter. */
  readonly maxDelayMs: number;
  /**
   * Fraction of the delay that is random, 0..1: the delay lies in [d * (1 - jitter), d]. Default
   * 0.5, enough to spread a cluster's retries while keeping the mean at 3/4 of the doubling.
   */
  readonly jitter?: number;
};

/** A source of uniform numbers in [0, 1): Math.random in production, fixed in unit tests. */
export type Random = () => number;

const defaultJitter = 0.5;

/** Delay before retry number `failures` (1-based; 0 or less counts as 1). */
export function backoffDelayMs(
  options: BackoffOptions,
  failures: number,
  random: Random = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const capped = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const jitter = Math.min(Math.max(options.jitter ?? defaultJitter, 0), 1);
  return Math.round(capped * (1 - jitter * random()));
}

/** Consecutive failures and the delay they call for; `succeeded()` starts over. */
export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: Random;
  #failures = 0;

  constructor(options: BackoffOptions, random: Random = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  get failures(): number {
    return this.#failures;
  }

  /** Counts one more failure and returns the delay before the next attempt. */
  failed(): number {
    this.#failures += 1;
    return backoffDelayMs(this.#options, this.#failures, this.#random);
  }

  succeeded(): void {
    this.#failures = 0;
  }
}
