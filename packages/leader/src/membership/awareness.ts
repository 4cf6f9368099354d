/**
 * Lifeguard local health (the paper's "Local Health Multiplier"): a score in [0, max] that rises when
 * this member misses acks it should have got (probably its own fault: overloaded, paused, or cut
 * off) and falls when probes succeed. Probe interval and timeout are scaled by (1 + score), so a
 * struggling member slows down and gives others longer to answer instead of accusing them.
 */
export class Awareness {
  #score = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Add `delta` (negative to recover), clamped to [0, max]. */
  apply(delta: number): void {
    this.#score = Math.min(this.#max, Math.max(0, this.#score + delta));
  }

  get score(): number {
    return this.#score;
  }

  /** `valueMs` scaled by the current health. */
  scale(valueMs: number): number {
    return valueMs * (1 + this.#score);
  }
}
