/**
 * The one pure function from metallb.io objects (plus Nodes and Namespaces) to the configuration
 * the controller and speaker run with. Every object is judged on its own; a bad one is left out
 * with its problems listed, and never invalidates the others (MetalLB instead keeps the whole
 * previous configuration).
 */
import type { PoolSpec } from '@baremetal-lb/ipam';
import type { ConfigProblem } from './config-problem.ts';
import type { IPAddressPool, L2Advertisement, LabeledObject } from './metallb-resources.ts';
import { type ResolvedL2Advertisement, resolveL2Advertisements } from './resolve-l2-advertisements.ts';
import { type ConfiguredPool, resolvePools } from './resolve-pools.ts';

export type ConfigInput = {
  /** The IPAddressPools of the namespace baremetal-lb watches (other namespaces are not mixed in). */
  readonly pools?: readonly IPAddressPool[];
  readonly l2Advertisements?: readonly L2Advertisement[];
  /** For nodeSelectors; omit in the controller, which does not need node resolution. */
  readonly nodes?: readonly LabeledObject[];
  /** For serviceAllocation.namespaceSelectors. */
  readonly namespaces?: readonly LabeledObject[];
};

export type Configuration = {
  /** Pools in use, oldest first. */
  readonly pools: readonly ConfiguredPool[];
  /** The same pools as the ipam allocator takes them. */
  readonly poolSpecs: readonly PoolSpec[];
  /** Advertisements in use, by name. */
  readonly l2Advertisements: readonly ResolvedL2Advertisement[];
  /** Every problem, per object; see problemsByObject and buildStatusConditions. */
  readonly problems: readonly ConfigProblem[];
};

function asList<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

export function buildConfiguration(input: ConfigInput): Configuration {
  const problems: ConfigProblem[] = [];
  const { pools, rejected } = resolvePools(asList(input.pools), asList(input.namespaces), problems);
  const l2Advertisements = resolveL2Advertisements(
    asList(input.l2Advertisements),
    pools,
    rejected,
    asList(input.nodes),
    problems,
  );
  return { pools, poolSpecs: pools.map((pool) => pool.spec), l2Advertisements, problems };
}
