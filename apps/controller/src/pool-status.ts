import type { PoolStats } from '@baremetal-lb/ipam';
import type { Condition, KubeObject } from './kube-types.ts';

/** IPAddressPool as the controller reads it (spec is config's business; we use name and status). */
export type IpAddressPoolObject = KubeObject & {
  readonly spec?: unknown;
  readonly status?: PoolStatus;
};

/** IPAddressPool status: MetalLB's counters plus conditions explaining problems. */
export type PoolStatus = {
  readonly assignedIPv4?: number | bigint;
  readonly assignedIPv6?: number | bigint;
  readonly availableIPv4?: number | bigint;
  readonly availableIPv6?: number | bigint;
  readonly conditions?: readonly Condition[];
};

/** One problem of a pool, as the config layer reports it. */
export type PoolIssue = {
  readonly severity: 'error' | 'warning';
  readonly reason: string;
  readonly message: string;
};

export const readyCondition = 'Ready';

/**
 * The status a pool should have. `stats` undefined: the pool is not in use (it has an error).
 * The Ready condition keeps its lastTransitionTime while its status does not change.
 */
export function desiredPoolStatus(
  pool: IpAddressPoolObject,
  stats: PoolStats | undefined,
  issues: readonly PoolIssue[],
  nowIso: string,
): PoolStatus {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  const ok = errors.length === 0 && stats !== undefined;
  const shown = ok ? warnings : errors;
  const condition = {
    type: readyCondition,
    status: ok ? 'True' : 'False',
    reason: ok ? (warnings.length > 0 ? 'LoadedWithWarnings' : 'Loaded') : (errors[0]?.reason ?? 'NotLoaded'),
    message:
      ok && shown.length === 0
        ? 'pool is in use'
        : shown
            .map((issue) => issue.message)
            .join('; ')
            .slice(0, 32_000),
    ...(pool.metadata.generation === undefined ? {} : { observedGeneration: pool.metadata.generation }),
  } as const;
  const previous = pool.status?.conditions?.find((c) => c.type === readyCondition);
  const lastTransitionTime =
    previous && previous.status === condition.status ? previous.lastTransitionTime : nowIso;
  return {
    assignedIPv4: stats?.ipv4.inUse ?? 0,
    assignedIPv6: stats?.ipv6.inUse ?? 0,
    availableIPv4: stats?.ipv4.available ?? 0,
    availableIPv6: stats?.ipv6.available ?? 0,
    conditions: [{ ...condition, lastTransitionTime }],
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
  const a = current.conditions ?? [];
  const b = desired.conditions ?? [];
  return (
    a.length === b.length &&
    a.every((condition, index) => {
      const other = b[index]!;
      return (
        condition.type === other.type &&
        condition.status === other.status &&
        condition.reason === other.reason &&
        condition.message === other.message &&
        condition.lastTransitionTime === other.lastTransitionTime &&
        condition.observedGeneration === other.observedGeneration
      );
    })
  );
}
