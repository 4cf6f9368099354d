/**
 * IPAddressPool objects → the pools the allocator may use. Each pool is checked alone (ipam's
 * validatePoolSpec plus field types and selectors); then overlapping pools are settled oldest
 * first: the older pool stays, the newer one is left out, and both say so.
 */
import {
  findPoolOverlaps,
  type LabelSelector,
  type Labels,
  matchesLabelSelector,
  type PoolOverlap,
  PoolProblemCode,
  type PoolSpec,
  type ServiceAllocation,
  validatePoolSpec,
} from '@baremetal-lb/ipam';
import { type ConfigProblem, ConfigProblemCode, problemCodeForField } from './config-problem.ts';
import type { LabeledObject } from './metallb-resources.ts';
import { nameObjects } from './name-objects.ts';
import {
  isRecord,
  type ReportProblem,
  readOptionalBoolean,
  readSelectorList,
  readStringList,
} from './read-fields.ts';

/** A pool the configuration uses. */
export type ConfiguredPool = {
  readonly name: string;
  /** What the ipam allocator takes. */
  readonly spec: PoolSpec;
  readonly labels: Labels;
  /**
   * Namespaces whose Services may use the pool: `serviceAllocation.namespaces` plus the given
   * Namespaces matched by `namespaceSelectors`, sorted. Undefined when the pool sets neither.
   */
  readonly allowedNamespaces?: readonly string[];
};

export type ResolvedPools = {
  /** Oldest first. */
  readonly pools: readonly ConfiguredPool[];
  /** Names of pool objects that exist but are left out. */
  readonly rejected: ReadonlySet<string>;
};

const kind = 'IPAddressPool';

function readLabels(metadata: unknown): Labels {
  const labels = isRecord(metadata) ? metadata.labels : undefined;
  if (!isRecord(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function readServiceAllocation(value: unknown, report: ReportProblem): ServiceAllocation | undefined {
  if (value === undefined || value === null) return undefined;
  const field = 'spec.serviceAllocation';
  if (!isRecord(value)) {
    report(field, `${field} must be an object`);
    return undefined;
  }
  const namespaces = readStringList(value.namespaces, `${field}.namespaces`, report);
  const namespaceSelectors = readSelectorList(
    value.namespaceSelectors,
    `${field}.namespaceSelectors`,
    report,
  );
  const serviceSelectors = readSelectorList(value.serviceSelectors, `${field}.serviceSelectors`, report);
  return {
    ...(value.priority === undefined || value.priority === null
      ? {}
      : { priority: value.priority as number }),
    ...(value.namespaces === undefined ? {} : { namespaces }),
    ...(value.namespaceSelectors === undefined ? {} : { namespaceSelectors: namespaceSelectors.selectors }),
    ...(value.serviceSelectors === undefined ? {} : { serviceSelectors: serviceSelectors.selectors }),
  };
}

/** The PoolSpec of one object; problems go to `report` (field-type problems) and the result. */
function readPoolSpec(name: string, object: unknown, problems: ConfigProblem[]): PoolSpec {
  const report: ReportProblem = (field, message) =>
    problems.push({
      severity: 'error',
      code: problemCodeForField(field),
      object: { kind, name },
      field,
      message: `pool "${name}": ${message}`,
    });
  const spec = isRecord(object) && isRecord(object.spec) ? object.spec : {};
  const addresses = Array.isArray(spec.addresses) ? (spec.addresses as unknown[]) : [];
  if (spec.addresses !== undefined && !Array.isArray(spec.addresses))
    report('spec.addresses', 'spec.addresses must be a list');
  const autoAssign = readOptionalBoolean(spec.autoAssign, 'spec.autoAssign', report);
  const avoidBuggyIPs = readOptionalBoolean(spec.avoidBuggyIPs, 'spec.avoidBuggyIPs', report);
  const serviceAllocation = readServiceAllocation(spec.serviceAllocation, report);
  return {
    name,
    // Non-strings stay in so that validatePoolSpec reports them with their index.
    addresses: addresses as string[],
    ...(autoAssign === undefined ? {} : { autoAssign }),
    ...(avoidBuggyIPs === undefined ? {} : { avoidBuggyIPs }),
    ...(serviceAllocation === undefined ? {} : { serviceAllocation }),
  };
}

const fromIpamCode: Partial<Record<string, ConfigProblemCode>> = {
  [PoolProblemCode.noAddresses]: ConfigProblemCode.noAddresses,
  [PoolProblemCode.invalidEntry]: ConfigProblemCode.invalidAddress,
  [PoolProblemCode.invalidPriority]: ConfigProblemCode.invalidPriority,
  [PoolProblemCode.hostBitsSet]: ConfigProblemCode.hostBitsSet,
  // invalidName and invalidSelector are reported by nameObjects and readSelectorList.
};

function checkPool(spec: PoolSpec, problems: ConfigProblem[]): void {
  for (const problem of validatePoolSpec(spec)) {
    const code = fromIpamCode[problem.code];
    if (code === undefined) continue;
    const index =
      problem.entry === undefined ? -1 : spec.addresses.findIndex((entry) => String(entry) === problem.entry);
    const field =
      code === ConfigProblemCode.invalidPriority
        ? 'spec.serviceAllocation.priority'
        : index >= 0
          ? `spec.addresses[${index}]`
          : 'spec.addresses';
    problems.push({
      severity: problem.severity,
      code,
      object: { kind, name: spec.name },
      field,
      message: problem.message,
    });
  }
}

function allowedNamespaces(
  spec: PoolSpec,
  namespaces: readonly LabeledObject[],
): readonly string[] | undefined {
  const allocation = spec.serviceAllocation;
  if (allocation?.namespaces === undefined && allocation?.namespaceSelectors === undefined) return undefined;
  const allowed = new Set(allocation.namespaces ?? []);
  const selectors: readonly LabelSelector[] = allocation.namespaceSelectors ?? [];
  for (const namespace of namespaces) {
    const name = namespace?.metadata?.name;
    if (typeof name !== 'string') continue;
    if (selectors.some((selector) => matchesLabelSelector(namespace.metadata.labels, selector)))
      allowed.add(name);
  }
  return [...allowed].sort();
}

function overlapProblem(
  pool: string,
  mine: string,
  other: string,
  theirs: string,
  used: boolean,
): ConfigProblem {
  const self = pool === other;
  return {
    severity: used ? 'warning' : 'error',
    code: ConfigProblemCode.overlap,
    object: { kind, name: pool },
    field: 'spec.addresses',
    message: self
      ? `pool "${pool}" is not used: its entries "${mine}" and "${theirs}" overlap`
      : used
        ? `pool "${pool}": entry "${mine}" overlaps entry "${theirs}" of the newer pool "${other}", which is not used`
        : `pool "${pool}" is not used: entry "${mine}" overlaps entry "${theirs}" of the older pool "${other}"`,
    ...(self ? {} : { related: { kind, name: other } }),
  };
}

export function resolvePools(
  objects: readonly unknown[],
  namespaces: readonly LabeledObject[],
  problems: ConfigProblem[],
): ResolvedPools {
  const candidates: { spec: PoolSpec; labels: Labels }[] = [];
  const rejected = new Set<string>();
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const own: ConfigProblem[] = [];
    const spec = readPoolSpec(name, object, own);
    checkPool(spec, own);
    problems.push(...own);
    if (own.some((problem) => problem.severity === 'error')) rejected.add(name);
    else candidates.push({ spec, labels: readLabels((object as { metadata?: unknown }).metadata) });
  }
  const partners = new Map<string, PoolOverlap[]>();
  for (const overlap of findPoolOverlaps(candidates.map((candidate) => candidate.spec))) {
    for (const pool of new Set([overlap.pool, overlap.otherPool])) {
      partners.set(pool, [...(partners.get(pool) ?? []), overlap]);
    }
  }
  const pools: ConfiguredPool[] = [];
  const used = new Set<string>();
  for (const { spec, labels } of candidates) {
    const overlaps = partners.get(spec.name) ?? [];
    const selfOverlap = overlaps.find((o) => o.pool === spec.name && o.otherPool === spec.name);
    const conflicts = overlaps.filter((o) => used.has(o.pool === spec.name ? o.otherPool : o.pool));
    if (selfOverlap) {
      problems.push(overlapProblem(spec.name, selfOverlap.entry, spec.name, selfOverlap.otherEntry, false));
    }
    for (const o of conflicts) {
      const [mine, other, theirs] =
        o.pool === spec.name ? [o.entry, o.otherPool, o.otherEntry] : [o.otherEntry, o.pool, o.entry];
      problems.push(overlapProblem(spec.name, mine, other, theirs, false));
      problems.push(overlapProblem(other, theirs, spec.name, mine, true));
    }
    if (selfOverlap || conflicts.length > 0) {
      rejected.add(spec.name);
      continue;
    }
    used.add(spec.name);
    const allowed = allowedNamespaces(spec, namespaces);
    pools.push({
      name: spec.name,
      spec,
      labels,
      ...(allowed === undefined ? {} : { allowedNamespaces: allowed }),
    });
  }
  return { pools, rejected };
}
