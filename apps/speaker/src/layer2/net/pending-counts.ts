/**
 * Counts the responders gather per frame, handed to the metrics in one go before each scrape
 * (with what the native responder thread counted), rather than a metric update per frame. On the
 * per-frame path an add is one map lookup and an increment, with no allocation once a label was
 * seen.
 */

/** `arp`/`ndp`: frames by outcome (the label); the others: by announced IP (the label). */
export type CountKind = 'arp' | 'ndp' | 'request' | 'response' | 'gratuitous';

export type CountEntry = readonly [kind: CountKind, label: string, n: number];

const kinds: readonly CountKind[] = ['arp', 'ndp', 'request', 'response', 'gratuitous'];

export class PendingCounts {
  readonly #byKind: Readonly<Record<CountKind, Map<string, { n: number }>>> = {
    arp: new Map(),
    ndp: new Map(),
    request: new Map(),
    response: new Map(),
    gratuitous: new Map(),
  };
  #empty = true;

  add(kind: CountKind, label: string): void {
    const byLabel = this.#byKind[kind];
    const tally = byLabel.get(label);
    if (tally === undefined) byLabel.set(label, { n: 1 });
    else tally.n++;
    this.#empty = false;
  }

  get empty(): boolean {
    return this.#empty;
  }

  /**
   * Everything counted since the last call; starts again from zero. Labels not counted since the
   * previous call are forgotten, so IPs that are no longer announced do not pile up.
   */
  take(): CountEntry[] {
    const out: CountEntry[] = [];
    for (const kind of kinds) {
      for (const [label, tally] of this.#byKind[kind]) {
        if (tally.n === 0) {
          this.#byKind[kind].delete(label);
          continue;
        }
        out.push([kind, label, tally.n]);
        tally.n = 0;
      }
    }
    this.#empty = true;
    return out;
  }
}
