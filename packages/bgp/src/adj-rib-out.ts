/**
 * The Adj-RIB-Out of one peer (RFC 4271 section 3.2): the routes we want the peer to have, what
 * it has been sent, and the prefixes that changed since. `takeUpdates` turns the difference into
 * UPDATEs: withdrawals for prefixes no longer wanted, announcements grouped by attribute set so
 * that prefixes sharing attributes travel together. Announcing a route the peer already has with
 * the same attributes sends nothing.
 */
import type { Ipv4Prefix, Ipv6Prefix, UpdateMessage } from '@baremetal-lb/bgp-wire';
import { buildAnnouncements, buildWithdrawals, nextHopFor, type PeerContext } from './build-updates.ts';
import type { NormalizedRoute } from './route.ts';

export type RibOutTake = {
  readonly updates: readonly UpdateMessage[];
  readonly announced: number;
  readonly withdrawn: number;
  /** Prefixes held back now: no next hop of their family on this session (they stay pending). */
  readonly heldBack: number;
};

export class AdjRibOut {
  readonly #desired = new Map<string, NormalizedRoute>();
  /** What the peer has: prefix key → the attributesKey it was sent with. */
  readonly #sent = new Map<string, { readonly attributesKey: string; readonly route: NormalizedRoute }>();
  readonly #dirty = new Set<string>();

  get size(): number {
    return this.#desired.size;
  }

  /** Prefixes the peer currently has from us. */
  get advertised(): number {
    return this.#sent.size;
  }

  get pending(): number {
    return this.#dirty.size;
  }

  has(key: string): boolean {
    return this.#desired.has(key);
  }

  set(route: NormalizedRoute): void {
    const key = route.parsed.key;
    const current = this.#desired.get(key);
    if (current?.attributesKey === route.attributesKey) return;
    this.#desired.set(key, route);
    this.#dirty.add(key);
  }

  delete(key: string): void {
    if (this.#desired.delete(key)) this.#dirty.add(key);
  }

  /** The session went down (or the peer asked for a refresh): the peer has nothing, resend everything. */
  forgetSent(family?: 4 | 6): void {
    for (const [key, sent] of this.#sent) {
      if (family === undefined || sent.route.parsed.family === family) this.#sent.delete(key);
    }
    for (const [key, route] of this.#desired) {
      if (family === undefined || route.parsed.family === family) this.#dirty.add(key);
    }
  }

  /** The UPDATEs that bring the peer from what it has to what is desired, for the families it speaks. */
  takeUpdates(ctx: PeerContext, families: { readonly ipv4: boolean; readonly ipv6: boolean }): RibOutTake {
    const groups = new Map<string, NormalizedRoute[]>();
    const withdrawals: { 4: Ipv4Prefix[]; 6: Ipv6Prefix[] } = { 4: [], 6: [] };
    let heldBack = 0;
    const keep = new Set<string>();
    for (const key of this.#dirty) {
      const route = this.#desired.get(key);
      const family = (route ?? this.#sent.get(key)?.route)?.parsed.family;
      if (family === undefined || !(family === 4 ? families.ipv4 : families.ipv6)) {
        if (family !== undefined) keep.add(key); // not negotiated: stays pending
        continue;
      }
      const sent = this.#sent.get(key);
      if (route === undefined) {
        if (sent === undefined) continue;
        const prefix = sent.route.parsed.prefix;
        if (family === 4) withdrawals[4].push(prefix as Ipv4Prefix);
        else withdrawals[6].push(prefix as Ipv6Prefix);
        this.#sent.delete(key);
        continue;
      }
      if (sent?.attributesKey === route.attributesKey) continue;
      if (nextHopFor(route, ctx) === undefined) {
        heldBack++;
        keep.add(key);
        continue;
      }
      const groupKey = `${family} ${route.attributesKey}`;
      const group = groups.get(groupKey);
      if (group === undefined) groups.set(groupKey, [route]);
      else group.push(route);
      this.#sent.set(key, { attributesKey: route.attributesKey, route });
    }
    this.#dirty.clear();
    for (const key of keep) this.#dirty.add(key);
    const updates = [
      ...buildWithdrawals(4, withdrawals[4], ctx.session),
      ...buildWithdrawals(6, withdrawals[6], ctx.session),
    ];
    let announced = 0;
    for (const group of groups.values()) {
      updates.push(...buildAnnouncements(group, ctx));
      announced += group.length;
    }
    return { updates, announced, withdrawn: withdrawals[4].length + withdrawals[6].length, heldBack };
  }
}
