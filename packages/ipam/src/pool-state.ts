/**
 * A pool as the allocator holds it at run time: parsed ranges per family, the free intervals,
 * usable totals and in-use counters. Built by `setPools`; never shared between allocators.
 */
import { parseAddressEntry } from './address-range.ts';
import { FreeRanges } from './free-ranges.ts';
import type { IpValue } from './ip-address.ts';
import { type Labels, matchesLabelSelector } from './label-selector.ts';
import type { PoolSpec, ServiceAllocation } from './pool-spec.ts';
import { type PoolStats, saturateInt64 } from './pool-stats.ts';

/** What `serves` looks at. */
export interface SelectorContext {
  readonly namespace: string;
  readonly labels: Labels | undefined;
  readonly namespaceLabels: Labels | undefined;
}

export class PoolState {
  readonly name: string;
  readonly spec: PoolSpec;
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  readonly allocation: ServiceAllocation | undefined;
  /** Sort key: positive priorities ascending, then 0/unset. */
  readonly priorityRank: number;
  readonly ranges4: readonly (readonly [number, number])[];
  readonly ranges6: readonly (readonly [bigint, bigint])[];
  readonly total4: bigint;
  readonly total6: bigint;
  free4: FreeRanges<number>;
  free6: FreeRanges<bigint>;
  used4 = 0;
  used6 = 0;

  /** `spec` must already be valid (validatePoolSpec without errors). */
  constructor(spec: PoolSpec) {
    this.name = spec.name;
    this.spec = spec;
    this.autoAssign = spec.autoAssign ?? true;
    this.avoidBuggyIPs = spec.avoidBuggyIPs ?? false;
    this.allocation = spec.serviceAllocation;
    const priority = spec.serviceAllocation?.priority ?? 0;
    this.priorityRank = priority > 0 ? priority : Number.POSITIVE_INFINITY;
    const ranges4: [number, number][] = [];
    const ranges6: [bigint, bigint][] = [];
    for (const entry of spec.addresses) {
      const parsed = parseAddressEntry(entry);
      if (!parsed.ok) continue;
      const { first, last } = parsed.range;
      if (typeof first === 'number') ranges4.push([first, last as number]);
      else ranges6.push([first, last as bigint]);
    }
    ranges4.sort((a, b) => a[0] - b[0]);
    ranges6.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    this.ranges4 = ranges4;
    this.ranges6 = ranges6;
    let total4 = 0n;
    for (const [first, last] of ranges4) {
      total4 += BigInt(last - first + 1);
      if (this.avoidBuggyIPs) total4 -= BigInt(countBuggy(first, last));
    }
    let total6 = 0n;
    for (const [first, last] of ranges6) total6 += last - first + 1n;
    this.total4 = total4;
    this.total6 = total6;
    this.free4 = new FreeRanges(ranges4, 1);
    this.free6 = new FreeRanges(ranges6, 1n);
  }

  /** Replaces the free intervals with the ranges minus `held` (sorted, unique, inside the ranges). */
  rebuildFree(held4: readonly number[], held6: readonly bigint[]): void {
    this.free4 = new FreeRanges(subtract(this.ranges4, held4, 1), 1);
    this.free6 = new FreeRanges(subtract(this.ranges6, held6, 1n), 1n);
    this.used4 = held4.length;
    this.used6 = held6.length;
  }

  /** Whether the pool's address rules let a service hold `ip` (containment is checked elsewhere). */
  permits(ip: IpValue): boolean {
    return !(this.avoidBuggyIPs && typeof ip === 'number' && isBuggy(ip));
  }

  /**
   * serviceAllocation rule: (namespace names OR namespace selectors) AND (any service selector);
   * an absent condition holds. A pool without serviceAllocation serves everyone.
   */
  serves(context: SelectorContext): boolean {
    const allocation = this.allocation;
    if (allocation === undefined) return true;
    const names = allocation.namespaces ?? [];
    const namespaceSelectors = allocation.namespaceSelectors ?? [];
    if (names.length > 0 || namespaceSelectors.length > 0) {
      const byName = names.includes(context.namespace);
      if (!byName && !namespaceSelectors.some((s) => matchesLabelSelector(context.namespaceLabels, s))) {
        return false;
      }
    }
    const serviceSelectors = allocation.serviceSelectors ?? [];
    return (
      serviceSelectors.length === 0 || serviceSelectors.some((s) => matchesLabelSelector(context.labels, s))
    );
  }

  /** Lowest free usable IPv4 address. Discards leading intervals that hold only avoided addresses. */
  lowestFree4(): number | undefined {
    const free = this.free4;
    for (;;) {
      const start = free.firstStart();
      if (start === undefined) return undefined;
      if (!this.avoidBuggyIPs) return start;
      const low = start % 256;
      const candidate = low === 255 ? start + 2 : low === 0 ? start + 1 : start;
      if (candidate <= (free.firstEnd() as number)) return candidate;
      // Only .255/.0 addresses are left in this interval: never handed out, so drop them.
      free.dropFirst();
    }
  }

  lowestFree6(): bigint | undefined {
    return this.free6.firstStart();
  }

  stats(): PoolStats {
    return {
      pool: this.name,
      ipv4: {
        total: saturateInt64(this.total4),
        inUse: this.used4,
        available: saturateInt64(this.total4 - BigInt(this.used4)),
      },
      ipv6: {
        total: saturateInt64(this.total6),
        inUse: this.used6,
        available: saturateInt64(this.total6 - BigInt(this.used6)),
      },
    };
  }
}

/** IPv4 addresses ending in .0 or .255 confuse some CPE firmware (smurf protection); MetalLB avoids them on request. */
export function isBuggy(ip: number): boolean {
  const low = ip % 256;
  return low === 0 || low === 255;
}

/** How many addresses in [first, last] end in .0 or .255. */
function countBuggy(first: number, last: number): number {
  const upTo = (n: number) => (n < 0 ? 0 : Math.floor(n / 256) + 1 + Math.floor((n + 1) / 256));
  return upTo(last) - upTo(first - 1);
}

/** Sorted disjoint ranges minus sorted unique points inside them. Values typed as number; see FreeRanges. */
function subtract<T extends number | bigint>(
  ranges: readonly (readonly [T, T])[],
  points: readonly T[],
  oneValue: T,
): [T, T][] {
  const one = oneValue as number;
  const out: [T, T][] = [];
  let p = 0;
  for (const [first, last] of ranges as readonly (readonly [number, number])[]) {
    let start = first;
    while (p < points.length && (points[p] as number) <= last) {
      const point = points[p] as number;
      if (point >= start) {
        if (point > start) out.push([start as T, (point - one) as T]);
        start = point + one;
      }
      p++;
    }
    if (start <= last) out.push([start as T, last as T]);
  }
  return out;
}
