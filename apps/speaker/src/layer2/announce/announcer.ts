/**
 * The announcer: turns the desired announcements into (IP, interface) placements, diffs them
 * against what is announced now and applies the difference to the responders. Each new placement
 * starts a gratuitous burst. An IP that another node now owns is handed over make-before-break:
 * it is still answered until the new owner's gratuitous ARP / unsolicited NA is seen on the
 * interface (or a timeout), so a client never finds nobody answering; any other withdrawal
 * stops the answers at once.
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

/** What `apply` did: `removed` stopped at once, `releasing` are being handed over. */
export type AppliedDiff = PlacementDiff & { readonly releasing: readonly Placement[] };

/** How a hand-over ended: the new owner's claim was seen (`mac`), or the timeout passed. */
export type Released = { readonly placement: Placement } & (
  | { readonly by: 'claim'; readonly mac: string }
  | { readonly by: 'timeout' }
);

export type HandOverOptions = {
  /**
   * Longest a released placement is still answered without seeing the new owner's claim, ms.
   * The new owner claims within a membership round trip plus one reconcile (a few ms), or after
   * its start-up hold (run-speaker.ts, 2 s) when it is just starting and a Node it has never
   * seen outranks it; a lost first claim is repeated after the 1.1 s gratuitous interval.
   * 3.5 s covers both.
   */
  readonly timeoutMs: number;
  readonly onReleased?: (released: Released) => void;
};

export const defaultHandOverOptions: HandOverOptions = { timeoutMs: 3500 };

/** The side effects the announcer drives: per-interface responders and gratuitous sends. */
export interface AnnounceTarget {
  /** Start answering for `p.ip` on `p.ifname` (NDP: join its solicited-node group). */
  add(p: Placement): void;
  /** Stop answering at once. */
  remove(p: Placement): void;
  /**
   * Keep answering until another MAC claims `p.ip` on `p.ifname`, then stop at once and report
   * it (the announcer's `handedOver`).
   */
  release(p: Placement): void;
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
  readonly #clock: Clock;
  readonly #gratuitous: GratuitousScheduler;
  readonly #handOver: HandOverOptions;
  #current: Placement[] = [];
  /** Placements being handed over, with the cancel of their timeout. */
  readonly #releasing = new Map<string, { readonly placement: Placement; readonly cancel: () => void }>();
  #settledWaiters: (() => void)[] = [];

  constructor(
    target: AnnounceTarget,
    clock: Clock,
    gratuitous: GratuitousOptions = defaultGratuitousOptions,
    handOver: HandOverOptions = defaultHandOverOptions,
  ) {
    this.#target = target;
    this.#clock = clock;
    this.#gratuitous = new GratuitousScheduler(clock, gratuitous);
    this.#handOver = handOver;
  }

  /**
   * Applies `desired` on `interfaces`; returns what changed. Idempotent. A placement that goes
   * away while its interface stays and `ownedElsewhere(ip)` is true is released (handed over),
   * not removed.
   */
  apply(
    desired: ReadonlyMap<string, Announcement>,
    interfaces: readonly ResponderInterface[],
    ownedElsewhere: (ip: string) => boolean = () => false,
  ): AppliedDiff {
    const next = placeAnnouncements(desired, interfaces);
    const diff = diffPlacements(this.#current, next);
    const removed: Placement[] = [];
    const releasing: Placement[] = [];
    for (const p of diff.removed) {
      this.#gratuitous.cancel(placementKey(p));
      if (ownedElsewhere(p.ip) && interfaces.some((i) => i.name === p.ifname)) {
        this.#release(p);
        releasing.push(p);
      } else {
        this.#target.remove(p);
        removed.push(p);
      }
    }
    this.#current = next;
    for (const p of diff.added) {
      // Taken back before the hand-over finished: `add` makes the target answer for it again.
      this.#endRelease(placementKey(p));
      this.#target.add(p);
      this.#gratuitous.start(placementKey(p), () => this.#target.sendGratuitous(p));
    }
    return { added: diff.added, removed, releasing };
  }

  /** The target saw `mac` claim a released placement and stopped answering for it. */
  handedOver(p: Placement, mac: string): void {
    if (this.#endRelease(placementKey(p))) this.#handOver.onReleased?.({ placement: p, by: 'claim', mac });
  }

  /** Withdraws everything at once, hand-overs in progress included (shutdown). */
  clear(): PlacementDiff {
    for (const { placement } of this.#releasing.values()) this.#target.remove(placement);
    for (const key of [...this.#releasing.keys()]) this.#endRelease(key);
    return this.apply(new Map(), []);
  }

  /** Resolves once no placement is being handed over. */
  settled(): Promise<void> {
    if (this.#releasing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  get placements(): readonly Placement[] {
    return this.#current;
  }

  /** Placements being handed over (still answered). */
  get releasing(): readonly Placement[] {
    return [...this.#releasing.values()].map((r) => r.placement);
  }

  /** IPs announced on at least one interface. */
  get announcedIps(): ReadonlySet<string> {
    return new Set(this.#current.map((p) => p.ip));
  }

  #release(p: Placement): void {
    const key = placementKey(p);
    this.#target.release(p);
    const cancel = this.#clock.after(this.#handOver.timeoutMs, () => {
      if (!this.#endRelease(key)) return;
      this.#target.remove(p);
      this.#handOver.onReleased?.({ placement: p, by: 'timeout' });
    });
    this.#releasing.set(key, { placement: p, cancel });
  }

  /** Forgets a hand-over; returns whether one was in progress. */
  #endRelease(key: string): boolean {
    const r = this.#releasing.get(key);
    if (r === undefined) return false;
    r.cancel();
    this.#releasing.delete(key);
    if (this.#releasing.size === 0) {
      const waiters = this.#settledWaiters;
      this.#settledWaiters = [];
      for (const resolve of waiters) resolve();
    }
    return true;
  }
}
