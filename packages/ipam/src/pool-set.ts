/** A validated set of pools with the lookups the allocator needs, built once per setPools. */
import { IpamError, IpamErrorCode } from './ipam-error.ts';
import type { PoolSpec } from './pool-spec.ts';
import { PoolState } from './pool-state.ts';
import { findPoolOverlaps, validatePoolSpec } from './pool-validation.ts';
import { RangeIndex } from './range-index.ts';

export interface PoolSet {
  /** In the order given. */
  readonly pools: readonly PoolState[];
  readonly byName: ReadonlyMap<string, PoolState>;
  readonly index: RangeIndex;
  /** Pools with serviceAllocation and autoAssign, by priority (ties keep the given order). */
  readonly pinned: readonly PoolState[];
  /** Fallback for automatic allocation: autoAssign pools without serviceAllocation. */
  readonly fallback: readonly PoolState[];
}

/** Throws IpamError when any spec has an error (warnings are ignored) or two entries overlap. */
export function buildPoolSet(specs: readonly PoolSpec[]): PoolSet {
  if (!Array.isArray(specs)) throw new IpamError(IpamErrorCode.invalidPool, 'pools must be a list');
  const byName = new Map<string, PoolState>();
  for (const spec of specs) {
    const error = validatePoolSpec(spec).find((problem) => problem.severity === 'error');
    if (error !== undefined) {
      throw new IpamError(IpamErrorCode.invalidPool, error.message, {
        pool: error.pool,
        ...(error.entry === undefined ? {} : { entry: error.entry }),
      });
    }
    if (byName.has(spec.name)) {
      throw new IpamError(IpamErrorCode.invalidPool, `pool name "${spec.name}" is used twice`, {
        pool: spec.name,
      });
    }
    byName.set(spec.name, new PoolState(spec));
  }
  const overlap = findPoolOverlaps(specs)[0];
  if (overlap !== undefined) {
    throw new IpamError(IpamErrorCode.poolOverlap, overlap.message, {
      pool: overlap.pool,
      entry: overlap.entry,
    });
  }
  const pools = [...byName.values()];
  return {
    pools,
    byName,
    index: new RangeIndex(pools),
    pinned: pools
      .filter((pool) => pool.allocation !== undefined && pool.autoAssign)
      .sort((a, b) => a.priorityRank - b.priorityRank || 0),
    fallback: pools.filter((pool) => pool.allocation === undefined && pool.autoAssign),
  };
}
