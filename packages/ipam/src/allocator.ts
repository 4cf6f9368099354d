import type { PoolSpec } from './pool-spec.ts';
import type { PoolStats } from './pool-stats.ts';
import type { Assignment, ServiceRequest } from './service-request.ts';

/** API skeleton; the implementation lands next. */
export class Allocator {
  /** An allocator over `pools` (validated as in setPools). */
  constructor(pools: readonly PoolSpec[] = []) {
    void pools;
  }
  /**
   * Replaces the pool set. Throws IpamError (ERR_IPAM_INVALID_POOL / ERR_IPAM_POOL_OVERLAP) and
   * changes nothing when any spec has an error. Otherwise releases every service whose IPs no pool
   * permits any more and returns their keys (sorted); the caller re-allocates them.
   */
  setPools(specs: readonly PoolSpec[]): readonly string[] {
    void specs;
    throw new Error('not implemented');
  }
  /**
   * Gives the service IPs: its `requestedIPs`, else from its named `pool`, else automatically
   * (pinned pools by priority, then autoAssign pools without serviceAllocation). Idempotent: a
   * service that already holds valid IPs keeps them. Throws IpamError; a failed call changes nothing.
   */
  allocate(request: ServiceRequest): Assignment {
    void request;
    throw new Error('not implemented');
  }
  /** Gives the service exactly `ips` (restore after a restart), with the same checks as allocate. */
  assign(request: ServiceRequest, ips: readonly string[]): Assignment {
    void request;
    void ips;
    throw new Error('not implemented');
  }
  /** Frees what the service holds; false when it held nothing. */
  release(serviceKey: string): boolean {
    void serviceKey;
    throw new Error('not implemented');
  }
  /** What the service holds, or undefined. */
  assignmentOf(serviceKey: string): Assignment | undefined {
    void serviceKey;
    throw new Error('not implemented');
  }
  /** Keys of the services holding `ip` (sorted; several when shared). */
  holdersOf(ip: string): readonly string[] {
    void ip;
    throw new Error('not implemented');
  }
  /** The first (sorted) holder of `ip`, or undefined when free. */
  ownerOf(ip: string): string | undefined {
    void ip;
    throw new Error('not implemented');
  }
  /** Name of the pool whose entries contain `ip` (ignoring avoidBuggyIPs), or undefined. */
  poolOf(ip: string): string | undefined {
    void ip;
    throw new Error('not implemented');
  }
  /** Counters of one pool, or undefined for an unknown pool. */
  poolStats(pool: string): PoolStats | undefined {
    void pool;
    throw new Error('not implemented');
  }
  /** Counters of every pool, in setPools order. */
  allPoolStats(): readonly PoolStats[] {
    throw new Error('not implemented');
  }
  /** Keys of every service holding IPs. */
  serviceKeys(): readonly string[] {
    throw new Error('not implemented');
  }
}
