/**
 * Counts the responder thread gathers per frame and hands to the main thread in one message:
 * posting a message per frame would wake the main thread for every ARP request.
 */

/** `arp`/`ndp`: frames by outcome (the label); the others: by announced IP (the label). */
export type CountKind = 'arp' | 'ndp' | 'request' | 'response' | 'gratuitous';

export type CountEntry = readonly [kind: CountKind, label: string, n: number];

export class PendingCounts {
  readonly #byKind = new Map<CountKind, Map<string, number>>();
  #empty = true;

  add(kind: CountKind, label: string): void {
    let byLabel = this.#byKind.get(kind);
    if (byLabel === undefined) {
      byLabel = new Map();
      this.#byKind.set(kind, byLabel);
    }
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
    this.#empty = false;
  }

  get empty(): boolean {
    return this.#empty;
  }

  /** Everything counted since the last call; starts again from zero. */
  take(): CountEntry[] {
    const out: CountEntry[] = [];
    for (const [kind, byLabel] of this.#byKind) {
      for (const [label, n] of byLabel) out.push([kind, label, n]);
      byLabel.clear();
    }
    this.#empty = true;
    return out;
  }
}
