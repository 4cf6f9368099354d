/**
 * L2Advertisement objects → advertisements with their pools and nodes resolved. A malformed
 * advertisement is left out (a broken selector must not widen what it announces); a pool name
 * that does not exist, or names a pool that is left out, is a warning: MetalLB ignores unknown
 * names, and so does this, but says so.
 */
import { type LabelSelector, matchesLabelSelector } from '@baremetal-lb/ipam';
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { LabeledObject, PreferredNodeSelector } from './metallb-resources.ts';
import { nameObjects } from './name-objects.ts';
import { matchesAny, selectNodes, toNodeViews } from './node-views.ts';
import { objectReporter } from './object-reporter.ts';
import {
  isRecord,
  type ReportProblem,
  readSelector,
  readSelectorList,
  readStringList,
} from './read-fields.ts';
import type { ConfiguredPool } from './resolve-pools.ts';

export type ResolvedL2Advertisement = {
  readonly name: string;
  /** True when it names no pools and no pool selectors: it covers every pool, now and later. */
  readonly allPools: boolean;
  /** Names of the configured pools it covers, sorted. */
  readonly pools: readonly string[];
  /** Empty: every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** The given nodes it allows to announce, sorted. */
  readonly nodes: readonly string[];
  /** Empty: every eligible interface. */
  readonly interfaces: readonly string[];
  /** Empty: every Service. */
  readonly serviceSelectors: readonly LabelSelector[];
  readonly preferredNodeSelectors: readonly PreferredNodeSelector[];
  /** For each node in `nodes`: the summed weight of the preferred selectors it matches. */
  readonly nodePreference: ReadonlyMap<string, number>;
};

const kind = 'L2Advertisement';
// Linux interface names: 1..15 bytes (IFNAMSIZ 16 with the NUL), no '/', ':' or whitespace.
const interfaceNamePattern = /^[^/:\s]{1,15}$/;

function readPreferred(
  value: unknown,
  report: ReportProblem,
): { selectors: PreferredNodeSelector[]; valid: boolean } {
  const field = 'spec.preferredNodeSelectors';
  if (value === undefined || value === null) return { selectors: [], valid: true };
  if (!Array.isArray(value)) {
    report(field, `${field} must be a list`);
    return { selectors: [], valid: false };
  }
  const selectors: PreferredNodeSelector[] = [];
  let valid = true;
  value.forEach((item: unknown, index) => {
    const path = `${field}[${index}]`;
    const weight = isRecord(item) ? item.weight : undefined;
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      report(`${path}.weight`, `${path}.weight ${String(weight)} is not an integer from 1 to 100`);
      valid = false;
      return;
    }
    const preference = readSelector(
      isRecord(item) ? item.preference : undefined,
      `${path}.preference`,
      report,
    );
    if (preference === undefined) valid = false;
    else selectors.push({ weight, preference });
  });
  return { selectors, valid };
}

export function resolveL2Advertisements(
  objects: readonly unknown[],
  pools: readonly ConfiguredPool[],
  rejectedPools: ReadonlySet<string>,
  nodes: readonly LabeledObject[],
  problems: ConfigProblem[],
): ResolvedL2Advertisement[] {
  const nodeViews = toNodeViews(nodes);
  const poolNames = new Set(pools.map((pool) => pool.name));
  const resolved: ResolvedL2Advertisement[] = [];
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const { problem, report, broken } = objectReporter(kind, name, problems, 'advertisement');
    const rawSpec: unknown = (object as Readonly<Record<string, unknown>>).spec;
    const spec = isRecord(rawSpec) ? rawSpec : {};
    const namedPools = readStringList(spec.ipAddressPools, 'spec.ipAddressPools', report);
    const poolSelectors = readSelectorList(
      spec.ipAddressPoolSelectors,
      'spec.ipAddressPoolSelectors',
      report,
    );
    const nodeSelectors = readSelectorList(spec.nodeSelectors, 'spec.nodeSelectors', report);
    const interfaces = readStringList(spec.interfaces, 'spec.interfaces', report);
    const serviceSelectors = readSelectorList(spec.serviceSelectors, 'spec.serviceSelectors', report);
    const preferred = readPreferred(spec.preferredNodeSelectors, report);
    if (broken()) continue;
    interfaces.forEach((interfaceName, index) => {
      if (!interfaceNamePattern.test(interfaceName)) {
        problem(
          'warning',
          ConfigProblemCode.invalidInterface,
          `spec.interfaces[${index}]`,
          `interface "${interfaceName}" can never exist (1 to 15 characters, no "/", ":" or spaces)`,
        );
      }
    });
    const allPools = namedPools.length === 0 && poolSelectors.selectors.length === 0;
    const covered = new Set<string>();
    namedPools.forEach((poolName, index) => {
      if (poolNames.has(poolName)) covered.add(poolName);
      else if (rejectedPools.has(poolName)) {
        problem(
          'warning',
          ConfigProblemCode.rejectedPool,
          `spec.ipAddressPools[${index}]`,
          `pool "${poolName}" is not used (see its status), so it is not announced`,
        );
      } else {
        problem(
          'warning',
          ConfigProblemCode.unknownPool,
          `spec.ipAddressPools[${index}]`,
          `pool "${poolName}" does not exist`,
        );
      }
    });
    for (const pool of pools) {
      if (allPools || matchesAny(pool.labels, poolSelectors.selectors)) covered.add(pool.name);
    }
    const eligible = selectNodes(nodeViews, nodeSelectors.selectors);
    const nodePreference = new Map<string, number>();
    for (const node of eligible) {
      let score = 0;
      for (const { weight, preference } of preferred.selectors) {
        if (matchesLabelSelector(node.labels, preference)) score += weight;
      }
      nodePreference.set(node.name, score);
    }
    resolved.push({
      name,
      allPools,
      pools: [...covered].sort(),
      nodeSelectors: nodeSelectors.selectors,
      nodes: eligible.map((node) => node.name),
      interfaces,
      serviceSelectors: serviceSelectors.selectors,
      preferredNodeSelectors: preferred.selectors,
      nodePreference,
    });
  }
  return resolved.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
