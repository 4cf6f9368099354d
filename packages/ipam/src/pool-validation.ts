/**
 * Checks on pool specs that return problems as data, so a config layer can report them per
 * object: `validatePoolSpec` looks at one pool alone, `findPoolOverlaps` across a set.
 */

import { type AddressRange, parseAddressEntry } from './address-range.ts';
import { describeValue } from './describe-value.ts';
import { labelSelectorProblems } from './label-selector.ts';
import type { PoolSpec } from './pool-spec.ts';

export const PoolProblemCode = {
  invalidName: 'ERR_IPAM_POOL_NAME',
  noAddresses: 'ERR_IPAM_POOL_NO_ADDRESSES',
  invalidEntry: 'ERR_IPAM_POOL_ENTRY',
  invalidPriority: 'ERR_IPAM_POOL_PRIORITY',
  invalidSelector: 'ERR_IPAM_POOL_SELECTOR',
  /** A field of the wrong type (autoAssign not a boolean, serviceAllocation not an object, ...). */
  invalidField: 'ERR_IPAM_POOL_FIELD',
  overlap: 'ERR_IPAM_POOL_OVERLAP',
  hostBitsSet: 'WARN_IPAM_CIDR_HOST_BITS',
} as const;
export type PoolProblemCode = (typeof PoolProblemCode)[keyof typeof PoolProblemCode];

export interface PoolProblem {
  readonly severity: 'error' | 'warning';
  readonly code: PoolProblemCode;
  readonly pool: string;
  /** The offending `addresses` entry, when the problem is about one. */
  readonly entry?: string;
  readonly message: string;
}

export interface PoolOverlap {
  readonly pool: string;
  readonly entry: string;
  readonly otherPool: string;
  readonly otherEntry: string;
  readonly message: string;
}

/** Problems of one pool on its own (overlaps inside the pool are `findPoolOverlaps`' job). */
export function validatePoolSpec(spec: PoolSpec): readonly PoolProblem[] {
  const pool = typeof spec?.name === 'string' ? spec.name : '';
  const problems: PoolProblem[] = [];
  const error = (code: PoolProblemCode, message: string, entry?: string) =>
    problems.push({ severity: 'error', code, pool, message, ...(entry === undefined ? {} : { entry }) });
  if (spec === null || typeof spec !== 'object') {
    error(PoolProblemCode.invalidField, 'pool spec is not an object');
    return problems;
  }
  if (pool === '') error(PoolProblemCode.invalidName, 'pool has no name');
  if (!Array.isArray(spec.addresses) || spec.addresses.length === 0) {
    error(PoolProblemCode.noAddresses, `pool "${pool}" has no addresses`);
  } else {
    for (const entry of spec.addresses) {
      const parsed = parseAddressEntry(entry);
      if (!parsed.ok)
        error(PoolProblemCode.invalidEntry, `pool "${pool}": ${parsed.message}`, describeValue(entry));
      else if (parsed.warning !== undefined) {
        problems.push({
          severity: 'warning',
          code: PoolProblemCode.hostBitsSet,
          pool,
          entry,
          message: `pool "${pool}": ${parsed.warning}`,
        });
      }
    }
  }
  for (const field of ['autoAssign', 'avoidBuggyIPs'] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== 'boolean') {
      error(PoolProblemCode.invalidField, `pool "${pool}": ${field} is not a boolean`);
    }
  }
  const allocation: unknown = spec.serviceAllocation;
  if (allocation === undefined) return problems;
  if (allocation === null || typeof allocation !== 'object' || Array.isArray(allocation)) {
    error(PoolProblemCode.invalidField, `pool "${pool}": serviceAllocation is not an object`);
    return problems;
  }
  const { priority, namespaces, namespaceSelectors, serviceSelectors } = allocation as Record<
    string,
    unknown
  >;
  if (
    priority !== undefined &&
    (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0)
  ) {
    error(
      PoolProblemCode.invalidPriority,
      `pool "${pool}": priority ${describeValue(priority)} is not an integer >= 0`,
    );
  }
  if (
    namespaces !== undefined &&
    (!Array.isArray(namespaces) || namespaces.some((n) => typeof n !== 'string'))
  ) {
    error(PoolProblemCode.invalidField, `pool "${pool}": namespaces is not a list of names`);
  }
  for (const [field, selectors] of [
    ['namespaceSelectors', namespaceSelectors],
    ['serviceSelectors', serviceSelectors],
  ] as const) {
    if (selectors === undefined) continue;
    if (!Array.isArray(selectors)) {
      error(PoolProblemCode.invalidSelector, `pool "${pool}": ${field} is not a list`);
      continue;
    }
    for (const selector of selectors as unknown[]) {
      for (const problem of labelSelectorProblems(selector)) {
        error(PoolProblemCode.invalidSelector, `pool "${pool}": ${field}: ${problem}`);
      }
    }
  }
  return problems;
}

interface LocatedRange {
  readonly pool: string;
  readonly range: AddressRange;
}

/**
 * Every pair of overlapping entries across `specs` (including two entries of one pool). Entries
 * that do not parse are skipped: `validatePoolSpec` reports them. O(n log n) in the entry count.
 */
export function findPoolOverlaps(specs: readonly PoolSpec[]): readonly PoolOverlap[] {
  const located: LocatedRange[] = [];
  for (const spec of specs) {
    if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.addresses)) continue;
    // A non-string name is validatePoolSpec's error; here it must only never throw.
    const pool = typeof spec.name === 'string' ? spec.name : describeValue(spec.name);
    for (const entry of spec.addresses) {
      const parsed = parseAddressEntry(entry);
      if (parsed.ok) located.push({ pool, range: parsed.range });
    }
  }
  const overlaps: PoolOverlap[] = [];
  for (const family of ['IPv4', 'IPv6'] as const) {
    const sorted = located
      .filter((item) => item.range.family === family)
      .sort((a, b) => compare(a.range.first, b.range.first));
    // Sweep: every range still open (last >= current first) overlaps the current one.
    const open: LocatedRange[] = [];
    for (const current of sorted) {
      for (let index = open.length - 1; index >= 0; index--) {
        if ((open[index] as LocatedRange).range.last < current.range.first) open.splice(index, 1);
      }
      for (const earlier of open) overlaps.push(describeOverlap(earlier, current));
      open.push(current);
    }
  }
  return overlaps;
}

function describeOverlap(a: LocatedRange, b: LocatedRange): PoolOverlap {
  const where = a.pool === b.pool ? `in pool "${a.pool}"` : `in pools "${a.pool}" and "${b.pool}"`;
  return {
    pool: a.pool,
    entry: a.range.entry,
    otherPool: b.pool,
    otherEntry: b.range.entry,
    message: `address entries "${a.range.entry}" and "${b.range.entry}" overlap ${where}`,
  };
}

function compare(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
