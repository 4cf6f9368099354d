/**
 * The announcer: turns the desired announcements into (IP, interface) placements, diffs them
 * against what is announced now and applies the difference to the responders. Withdrawals go
 * first, so losing an IP stops the answers at once; each new placement starts a gratuitous burst.
 */
import type { Announcement } from '../election/desired-announcements.ts';
import type { Clock } from './clock.ts';
import {
  defaultGratuitousOptions,
  type GratuitousOptions,
  GratuitousScheduler,
} from './gratuitous-schedule.ts';

/** An interface with the protocols its responders run. */
export type ResponderInterface = {
  readonly name: string;
  readonly arp: boolean;
  readonly ndp: boolean;
};

/** One IP on one interface. */
export type Placement = {
  readonly ip: string;
  readonly family: 4 | 6;
  readonly ifname: string;
};

export type PlacementDiff = {
  readonly added: readonly Placement[];
  readonly removed: readonly Placement[];
};

/** The side effects the announcer drives: per-interface responders and gratuitous sends. */
export interface AnnounceTarget {
  /** Start answering for `p.ip` on `p.ifname` (NDP: join its solicited-node group). */
  add(p: Placement): void;
  /** Stop answering at once. */
  remove(p: Placement): void;
  /** Gratuitous ARP (request and reply) or unsolicited NA for `p.ip` on `p.ifname`. */
  sendGratuitous(p: Placement): void;
}

/** Where each desired IP goes: eligible interfaces of its family, filtered by the selection. */
export function placeAnnouncements(
  desired: ReadonlyMap<string, Announcement>,
  interfaces: readonly ResponderInterface[],
): Placement[] {
  const out: Placement[] = [];
  for (const a of desired.values()) {
    for (const ifi of interfaces) {
      if (!(a.family === 4 ? ifi.arp : ifi.ndp)) continue;
      if (a.interfaces !== 'all' && !a.interfaces.includes(ifi.name)) continue;
      out.push({ ip: a.ip, family: a.family, ifname: ifi.name });
    }
  }
  return out;
}

export function placementKey(p: Placement): string {
  return `${p.ip}@${p.ifname}`;
}

/** Set difference of placements, keyed by IP and interface. */
export function diffPlacements(current: readonly Placement[], next: readonly Placement[]): PlacementDiff {
  const currentKeys = new Set(current.map(placementKey));
  const nextKeys = new Set(next.map(placementKey));
  return {
    added: next.filter((p) => !currentKeys.has(placementKey(p))),
    removed: current.filter((p) => !nextKeys.has(placementKey(p))),
  };
}

export class Announcer {
  readonly #target: AnnounceTarget;
  readonly #gratuitous: GratuitousScheduler;
  #current: Placement[] = [];

  constructor(
    target: AnnounceTarget,
    clock: Clock,
    gratuitous: GratuitousOptions = defaultGratuitousOptions,
  ) {
    this.#target = target;
    this.#gratuitous = new GratuitousScheduler(clock, gratuitous);
  }

  /** Applies `desired` on `interfaces`; returns what changed. Idempotent. */
  apply(
    desired: ReadonlyMap<string, Announcement>,
    interfaces: readonly ResponderInterface[],
  ): PlacementDiff {
    const next = placeAnnouncements(desired, interfaces);
    const diff = diffPlacements(this.#current, next);
    for (const p of diff.removed) {
      this.#gratuitous.cancel(placementKey(p));
      this.#target.remove(p);
    }
    this.#current = next;
    for (const p of diff.added) {
      this.#target.add(p);
      this.#gratuitous.start(placementKey(p), () => this.#target.sendGratuitous(p));
    }
    return diff;
  }

  /** Withdraws everything (shutdown). */
  clear(): PlacementDiff {
    return this.apply(new Map(), []);
  }

  get placements(): readonly Placement[] {
    return this.#current;
  }

  /** IPs announced on at least one interface. */
  get announcedIps(): ReadonlySet<string> {
    return new Set(this.#current.map((p) => p.ip));
  }
}
