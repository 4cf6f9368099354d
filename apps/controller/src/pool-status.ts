import type { ConfigProblem } from '@baremetal-lb/config';
import type { PoolStats } from '@baremetal-lb/ipam';
import type { Condition } from '@baremetal-lb/kube';
import { type ConfigObject, conditionsEqual, desiredConditions } from './config-status.ts';

/** IPAddressPool as the controller reads it (the spec is @baremetal-lb/config's business). */
export type IpAddressPoolObject = ConfigObject & { readonly status?: PoolStatus };

/** IPAddressPool status: MetalLB's counters plus conditions explaining problems. */
export type PoolStatus = {
  readonly assignedIPv4?: number | bigint;
  readonly assignedIPv6?: number | bigint;
  readonly availableIPv4?: number | bigint;
  readonly availableIPv6?: number | bigint;
  readonly conditions?: readonly Condition[];
};

/**
 * The status a pool should have: counters from the allocator (`stats` undefined when the pool is
 * left out), and the `Valid` condition from its configuration problems.
 */
export function desiredPoolStatus(
  pool: IpAddressPoolObject,
  stats: PoolStats | undefined,
  problems: readonly ConfigProblem[],
  nowIso: string,
): PoolStatus {
  return {
    assignedIPv4: stats?.ipv4.inUse ?? 0,
    assignedIPv6: stats?.ipv6.inUse ?? 0,
    availableIPv4: stats?.ipv4.available ?? 0,
    availableIPv6: stats?.ipv6.available ?? 0,
    conditions: desiredConditions(pool, problems, nowIso),
  };
}

/**
 * Whether `current` already says what `desired` says. Counters compare as doubles: the watch
 * delivers int64 values through JSON.parse, which rounds those above 2^53.
 */
export function poolStatusEqual(current: PoolStatus | undefined, desired: PoolStatus): boolean {
  if (current === undefined) return false;
  for (const field of ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'] as const) {
    if (Number(current[field] ?? 0) !== Number(desired[field] ?? 0)) return false;
  }
  return conditionsEqual(current.conditions, desired.conditions);
}
