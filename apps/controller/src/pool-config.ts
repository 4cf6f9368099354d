import { findPoolOverlaps, type PoolSpec, validatePoolSpec } from '@baremetal-lb/ipam';
import type { IpAddressPoolObject, PoolIssue } from './pool-status.ts';

/** Pools to load into the allocator, and the problems of each pool object by name. */
export type PoolConfig = {
  readonly specs: readonly PoolSpec[];
  readonly issues: ReadonlyMap<string, readonly PoolIssue[]>;
};

/** Builds the allocator's pools from IPAddressPool objects; bad pools are left out with reasons. */
export type PoolConfigBuilder = (pools: readonly IpAddressPoolObject[]) => PoolConfig;

/**
 * Per-object validation: a pool with an invalid entry is skipped; of two overlapping pools the
 * newer one (creationTimestamp, then name) is skipped, so an established pool keeps serving.
 */
export const buildPoolConfig: PoolConfigBuilder = (objects) => {
  const issues = new Map<string, PoolIssue[]>();
  const add = (pool: string, issue: PoolIssue) => {
    const list = issues.get(pool) ?? [];
    list.push(issue);
    issues.set(pool, list);
  };
  const sorted = [...objects].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  const accepted: PoolSpec[] = [];
  for (const object of sorted) {
    const spec = { ...(object.spec as object), name: object.metadata.name } as PoolSpec;
    const problems = validatePoolSpec(spec);
    for (const problem of problems) {
      add(spec.name, {
        severity: problem.severity,
        reason: problem.severity === 'error' ? 'InvalidPool' : 'Warning',
        message: problem.message,
      });
    }
    if (problems.some((problem) => problem.severity === 'error')) continue;
    const overlaps = findPoolOverlaps([...accepted, spec]).filter(
      (o) => o.pool === spec.name || o.otherPool === spec.name,
    );
    if (overlaps.length > 0) {
      for (const overlap of overlaps)
        add(spec.name, { severity: 'error', reason: 'Overlap', message: overlap.message });
      continue;
    }
    accepted.push(spec);
  }
  return { specs: accepted, issues };
};
