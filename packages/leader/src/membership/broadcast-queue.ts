import { encodedMessageLength, type Message } from './message.ts';

/** Messages that describe a member and are spread by gossip. */
export type Update = Extract<Message, { type: 'alive' | 'suspect' | 'dead' | 'left' }>;

type Entry = { readonly update: Update; transmits: number; readonly order: number };

/**
 * Updates waiting to be gossiped, each sent a bounded number of times (piggy-backed on probes or in
 * gossip rounds), least-sent first. A newer update about a member replaces older ones, except that
 * suspicions of one member by different accusers coexist: they are the independent confirmations
 * Lifeguard counts.
 */
export class BroadcastQueue {
  #entries: Entry[] = [];
  #order = 0;

  get size(): number {
    return this.#entries.length;
  }

  /** Queue `update`, dropping what it supersedes. */
  push(update: Update): void {
    this.#entries = this.#entries.filter((e) => !supersedes(update, e.update));
    this.#entries.push({ update, transmits: 0, order: this.#order++ });
  }

  /**
   * Up to `budgetBytes` of updates for one packet, least-transmitted (then newest) first; each counts
   * as one transmission and is dropped after `limit` of them.
   */
  take(budgetBytes: number, limit: number): Update[] {
    if (this.#entries.length === 0) return [];
    this.#entries.sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const out: Update[] = [];
    let left = budgetBytes;
    for (const e of this.#entries) {
      const n = encodedMessageLength(e.update);
      if (n > left) continue;
      left -= n;
      out.push(e.update);
      e.transmits++;
    }
    if (out.length > 0) this.#entries = this.#entries.filter((e) => e.transmits < limit);
    return out;
  }

  clear(): void {
    this.#entries = [];
  }
}

function supersedes(next: Update, queued: Update): boolean {
  if (next.name !== queued.name) return false;
  if (next.type === 'suspect' && queued.type === 'suspect') {
    return next.from === queued.from || next.incarnation !== queued.incarnation;
  }
  return true;
}
