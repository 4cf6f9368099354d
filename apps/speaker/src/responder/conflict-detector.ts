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
};

export const defaultConflictOptions: ConflictOptions = { takeoverGraceMs: 500 };

export class ConflictDetector {
  readonly #options: ConflictOptions;
  readonly #takenAt = new Map<string, number>();
  readonly #reported = new Set<string>();
  #sightings = 0;

  constructor(options: ConflictOptions = defaultConflictOptions) {
    this.#options = options;
  }

  /** Notes that we started announcing `ip` at `nowMs` (starts its grace period). */
  tookOver(ip: string, nowMs: number): void {
    this.#takenAt.set(ip, nowMs);
  }

  /** Notes that we stopped announcing `ip`: its reports may fire again if we take it back. */
  released(ip: string): void {
    this.#takenAt.delete(ip);
    for (const key of [...this.#reported]) if (key.startsWith(`${ip}|`)) this.#reported.delete(key);
  }

  /** Counts a sighting; returns a report the first time this (ip, mac) is seen outside grace. */
  observe(ip: string, mac: string, ifname: string, nowMs: number): ConflictReport | undefined {
    this.#sightings++;
    const takenAt = this.#takenAt.get(ip);
    if (takenAt !== undefined && nowMs - takenAt < this.#options.takeoverGraceMs) return undefined;
    const key = `${ip}|${mac}`;
    if (this.#reported.has(key)) return undefined;
    this.#reported.add(key);
    return { ip, mac, ifname };
  }

  /** Sightings counted since start. */
  get sightings(): number {
    return this.#sightings;
  }
}
