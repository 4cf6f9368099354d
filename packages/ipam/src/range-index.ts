/** Which pool's entries contain an address: binary search over all pools' sorted ranges of one family. */
import type { IpValue } from './ip-address.ts';
import type { PoolState } from './pool-state.ts';

export class RangeIndex {
  private readonly starts4: number[] = [];
  private readonly ends4: number[] = [];
  private readonly pools4: PoolState[] = [];
  private readonly starts6: bigint[] = [];
  private readonly ends6: bigint[] = [];
  private readonly pools6: PoolState[] = [];

  /** Pools' ranges must not overlap (setPools rejects overlaps first). */
  constructor(pools: readonly PoolState[]) {
    const all4 = pools.flatMap((pool) => pool.ranges4.map((range) => ({ range, pool })));
    all4.sort((a, b) => a.range[0] - b.range[0]);
    for (const { range, pool } of all4) {
      this.starts4.push(range[0]);
      this.ends4.push(range[1]);
      this.pools4.push(pool);
    }
    const all6 = pools.flatMap((pool) => pool.ranges6.map((range) => ({ range, pool })));
    all6.sort((a, b) => (a.range[0] < b.range[0] ? -1 : 1));
    for (const { range, pool } of all6) {
      this.starts6.push(range[0]);
      this.ends6.push(range[1]);
      this.pools6.push(pool);
    }
  }

  /** The pool whose entries contain `ip` (avoidBuggyIPs not considered), or undefined. */
  find(ip: IpValue): PoolState | undefined {
    if (typeof ip === 'number') return search(this.starts4, this.ends4, this.pools4, ip);
    return search(
      this.starts6 as unknown as number[],
      this.ends6 as unknown as number[],
      this.pools6,
      ip as unknown as number,
    );
  }
}

/** Written against number; also correct for bigint arrays and a bigint `ip` (comparisons only). */
function search(starts: readonly number[], ends: readonly number[], pools: readonly PoolState[], ip: number) {
  let low = 0;
  let high = starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid] as number) > ip) high = mid - 1;
    else if ((ends[mid] as number) < ip) low = mid + 1;
    else return pools[mid];
  }
  return undefined;
}
