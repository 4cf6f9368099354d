import { buildConfiguration, type ConfigProblem, type IPAddressPool } from '@baremetal-lb/config';
import type { PoolSpec } from '@baremetal-lb/ipam';
import type { IpAddressPoolObject } from './pool-status.ts';

/** Pools to load into the allocator, and each pool object's problems, by pool name. */
export type PoolConfig = {
  readonly specs: readonly PoolSpec[];
  readonly problems: ReadonlyMap<string, readonly ConfigProblem[]>;
};

/** Builds the allocator's pools from IPAddressPool objects; bad pools are left out with reasons. */
export type PoolConfigBuilder = (pools: readonly IpAddressPoolObject[]) => PoolConfig;

/**
 * @baremetal-lb/config judges each pool on its own (a bad entry leaves only that pool out; of two
 * overlapping pools the newer one is left out). Namespaces are not passed: the controller hands
 * each request its namespace's labels, and ipam evaluates namespaceSelectors itself.
 */
export const buildPoolConfig: PoolConfigBuilder = (objects) => {
  const configuration = buildConfiguration({ pools: objects as unknown as readonly IPAddressPool[] });
  const problems = new Map<string, ConfigProblem[]>();
  for (const problem of configuration.problems) {
    if (problem.object.kind !== 'IPAddressPool') continue;
    const list = problems.get(problem.object.name) ?? [];
    list.push(problem);
    problems.set(problem.object.name, list);
  }
  return { specs: configuration.poolSpecs, problems };
};
