/**
 * Lifeguard suspicion timeout (Dadgar et al., "Lifeguard: Local Health Awareness for More Accurate
 * Failure Detection", 2018, §IV-B): it starts at `maxMs` and shrinks logarithmically toward `minMs`
 * as independent members confirm the suspicion, reaching `minMs` at `expected` confirmations.
 *
 *   timeout(c) = max(minMs, maxMs − (maxMs − minMs) · log(c + 1) / log(expected + 1))
 */
export function suspicionTimeoutMs(
  confirmations: number,
  expected: number,
  minMs: number,
  maxMs: number,
): number {
  if (expected <= 0) return minMs;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(minMs, maxMs - (maxMs - minMs) * fraction);
}

/**
 * One running suspicion of one member at one incarnation: who accused it, and when it times out.
 * Confirmations count distinct accusers other than the first.
 */
export class Suspicion {
  readonly incarnation: number;
  readonly startedMs: number;
  readonly #accusers = new Set<string>();
  readonly #expected: number;
  readonly #minMs: number;
  readonly #maxMs: number;

  constructor(opts: {
    incarnation: number;
    startedMs: number;
    accuser: string;
    expected: number;
    minMs: number;
    maxMs: number;
  }) {
    this.incarnation = opts.incarnation;
    this.startedMs = opts.startedMs;
    this.#accusers.add(opts.accuser);
    this.#expected = opts.expected;
    this.#minMs = opts.minMs;
    this.#maxMs = opts.maxMs;
  }

  /** Record an accuser; true if it is new (so the deadline moved). */
  confirm(accuser: string): boolean {
    if (this.#accusers.has(accuser)) return false;
    this.#accusers.add(accuser);
    return true;
  }

  get confirmations(): number {
    return this.#accusers.size - 1;
  }

  /** Clock time at which the member is declared dead, given the confirmations so far. */
  get deadlineMs(): number {
    return this.startedMs + suspicionTimeoutMs(this.confirmations, this.#expected, this.#minMs, this.#maxMs);
  }
}
