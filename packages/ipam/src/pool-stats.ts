/** Per-pool counters, as MetalLB reports them in IPAddressPool status and metrics. */
export interface FamilyStats {
  /** Usable addresses (avoided .0/.255 excluded), saturating at INT64_MAX. */
  readonly total: bigint;
  /** Distinct addresses held by at least one service (a shared IP counts once). */
  readonly inUse: number;
  /** total - inUse, saturating at INT64_MAX. */
  readonly available: bigint;
}

export interface PoolStats {
  readonly pool: string;
  readonly ipv4: FamilyStats;
  readonly ipv6: FamilyStats;
}

/** 2^63 - 1: Kubernetes int64 status fields saturate here for huge IPv6 pools. */
export const INT64_MAX = (1n << 63n) - 1n;

export function saturateInt64(value: bigint): bigint {
  return value > INT64_MAX ? INT64_MAX : value;
}
