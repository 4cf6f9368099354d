/**
 * Conflict detection (beyond MetalLB): another MAC answering for, or gratuitously claiming, an IP
 * we announce. Every sighting is counted; the first sighting of each (IP, MAC) pair is reported
 * once, so the caller logs and raises the `IPConflict` Warning once, not per packet.
 */
export type ConflictReport = {
  readonly ip: string;
  readonly mac: string;
  readonly ifname: string;
};

export type ConflictOptions = {
  /**
   * Sightings within this long after we took the IP over are counted but not reported: the
   * previous owner may still have a reply in flight during a handover. 500 ms is far above one
   * LAN round trip and far below how long a real conflict lasts.
   */
  readonly takeoverGraceMs: number;

  /**
   * How long a claim by another MAC still counts as the new owner's when we start handing the IP
   * over (ResponderSet.release): the new owner can announce a moment before our own membership
   * view says it is alive (its gratuitous ARP reaches the responder thread before its membership
   * packet reaches the main thread). Same 500 ms reasoning as the grace above.
   */
  readonly recentClaimMs: number;
  /**
   * At most one defence (a gratuitous ARP / unsolicited NA of our own) per IP this often, ms:
   * RFC 5227 2.4 (b) and its DEFEND_INTERVAL of 10 s.
   */
  readonly defendIntervalMs: number;
};

export const defaultConflictOptions: ConflictOptions = {
  takeoverGraceMs: 500,
  recentClaimMs: 500,
  defendIntervalMs: 10_000,
};

export class ConflictDetector {
  readonly #options: ConflictOptions;
  readonly #takenAt = new Map<string, number>();
  readonly #reported = new Set<string>();
  /** The last claim by another MAC per IP. */
  readonly #lastClaim = new Map<string, { readonly atMs: number; readonly mac: string }>();
  readonly #defendedAt = new Map<string, number>();
  #sightings = 0;

  constructor(options: Partial<ConflictOptions> = {}) {
    this.#options = { ...defaultConflictOptions, ...options };
  }

  /** Notes that we started announcing `ip` at `nowMs` (starts its grace period). */
  tookOver(ip: string, nowMs: number): void {
    this.#takenAt.set(ip, nowMs);
  }

  /** Notes that we stopped announcing `ip`: its reports may fire again if we take it back. */
  released(ip: string): void {
    this.#takenAt.delete(ip);
    this.#lastClaim.delete(ip);
    this.#defendedAt.delete(ip);
    for (const key of [...this.#reported]) if (key.startsWith(`${ip}|`)) this.#reported.delete(key);
  }

  /** Counts a sighting; returns a report the first time this (ip, mac) is seen outside grace. */
  observe(ip: string, mac: string, ifname: string, nowMs: number): ConflictReport | undefined {
    this.#sightings++;
    this.#lastClaim.set(ip, { atMs: nowMs, mac });
    const takenAt = this.#takenAt.get(ip);
    if (takenAt !== undefined && nowMs - takenAt < this.#options.takeoverGraceMs) return undefined;
    const key = `${ip}|${mac}`;
    if (this.#reported.has(key)) return undefined;
    this.#reported.add(key);
    return { ip, mac, ifname };
  }

  /** The MAC that claimed `ip` within the last `recentClaimMs`, if any. */
  recentClaim(ip: string, nowMs: number): string | undefined {
    const claim = this.#lastClaim.get(ip);
    return claim !== undefined && nowMs - claim.atMs < this.#options.recentClaimMs ? claim.mac : undefined;
  }

  /**
   * Whether to defend `ip` now against a claim by another MAC (then noted as done). Defending
   * tells a node that took the IP by mistake, e.g. after a spurious failover, that we hold it:
   * such a node releases make-before-break and waits for our claim, which we would otherwise
   * never send, since we never stopped announcing.
   */
  shouldDefend(ip: string, nowMs: number): boolean {
    const last = this.#defendedAt.get(ip);
    if (last !== undefined && nowMs - last < this.#options.defendIntervalMs) return false;
    this.#defendedAt.set(ip, nowMs);
    return true;
  }

  /** Sightings counted since start. */
  get sightings(): number {
    return this.#sightings;
  }
}
