/**
 * The allocator: pools, the services holding IPs, and MetalLB's allocation rules on top.
 *
 * Cost model: the next free address of a pool comes from its FreeRanges in O(log n) of the number
 * of free intervals, never from a scan of used addresses; IP -> holders is a paged array lookup;
 * sharing candidates come from a per-sharing-key set. Every public mutator checks everything
 * before it changes anything, so a call that throws leaves the allocator as it was.
 */

import type { Holders } from './holder-index.ts';
import { encodeHolding, type HoldingValue, ip4Of, ip6Of } from './holding.ts';
import { describeHolding, HoldingStore } from './holding-store.ts';
import { familyOf, formatIpv4, formatIpv6, type IpValue, parseIp } from './ip-address.ts';
import { IpamError, IpamErrorCode } from './ipam-error.ts';
import { type NormalizedRequest, normalizeRequest, parseRequestedIps } from './normalize-request.ts';
import { buildPoolSet, type PoolSet } from './pool-set.ts';
import type { PoolSpec } from './pool-spec.ts';
import type { PoolState } from './pool-state.ts';
import type { PoolStats } from './pool-stats.ts';
import type { Assignment, IpFamily, ServiceRequest } from './service-request.ts';
import { findSharingConflict, sharingError } from './sharing-check.ts';

interface Plan {
  readonly pool: PoolState;
  readonly ip4: number | undefined;
  readonly ip6: bigint | undefined;
}

const EMPTY_POOLS: readonly PoolSpec[] = [];

export class Allocator {
  #set: PoolSet = buildPoolSet(EMPTY_POOLS);
  readonly #store = new HoldingStore(this.#set);

  /** An allocator over `pools` (validated as in setPools). */
  constructor(pools: readonly PoolSpec[] = EMPTY_POOLS) {
    if (pools.length > 0) this.setPools(pools);
  }

  /**
   * Replaces the pool set. Throws IpamError (ERR_IPAM_INVALID_POOL / ERR_IPAM_POOL_OVERLAP) and
   * changes nothing when any spec has an error. Otherwise releases every service whose IPs no pool
   * permits any more (outside every pool, an avoided .0/.255, or a dual-stack pair now split across
   * pools) and returns their keys, sorted; the caller re-allocates them.
   */
  setPools(specs: readonly PoolSpec[]): readonly string[] {
    const next = buildPoolSet(specs);
    const released = this.#store.rebind(next);
    this.#set = next;
    return released;
  }

  /**
   * Gives the service IPs: its `requestedIPs`, else from its named `pool`, else automatically
   * (pools with serviceAllocation that serve it, by priority; then autoAssign pools without
   * serviceAllocation). Idempotent: a service that already holds valid IPs keeps them (and a
   * PreferDualStack service holding one IP gains the other family when its pool has one free).
   * Throws IpamError; a failed call changes nothing.
   */
  allocate(request: ServiceRequest): Assignment {
    const req = normalizeRequest(request);
    // MetalLB: requested IPs must match the service's families exactly (both for a dual-stack
    // PreferDualStack service too), while a restore may keep PreferDualStack's single IP.
    if (req.requested.length > 0) return this.#assign(req, req.requested, req.secondary !== undefined);
    const named = req.pool === undefined ? undefined : this.#poolNamed(req.pool, req.key);
    const current = this.#store.get(req.key);
    if (current !== undefined) {
      if (this.#keep(req, current, named)) return this.#store.describe(req.key) as Assignment;
      this.#store.release(req.key);
    }
    let plan: Plan;
    try {
      plan = this.#plan(req, named);
    } catch (error) {
      if (current !== undefined) this.#store.commit(req.key, current);
      throw error;
    }
    const value = encodeHolding(plan.ip4, plan.ip6, req.sharingKey, req.backendKey, req.ports);
    this.#store.commit(req.key, value, plan.pool);
    return describeHolding(req.key, value, plan.pool);
  }

  /**
   * Gives the service exactly `ips` (restoring them after a restart, for example), with the checks
   * of allocate: at most one IP per family and of the service's families (both for
   * RequireDualStack; PreferDualStack may hold one), all in one pool that
   * permits them and serves the service (and is `request.pool` if set), sharing rules.
   */
  assign(request: ServiceRequest, ips: readonly string[]): Assignment {
    const req = normalizeRequest(request);
    return this.#assign(req, parseRequestedIps(req.key, ips), req.policy === 'RequireDualStack');
  }

  /** Frees what the service holds; false when it held nothing. */
  release(serviceKey: string): boolean {
    return this.#store.release(serviceKey);
  }

  /** What the service holds, or undefined. */
  assignmentOf(serviceKey: string): Assignment | undefined {
    return this.#store.describe(serviceKey);
  }

  /** Keys of the services holding `ip` (sorted; several when shared); empty when free or not an IP. */
  holdersOf(ip: string): readonly string[] {
    const value = parseIp(ip);
    const holders = value === undefined ? undefined : this.#store.holdersAt(value);
    if (holders === undefined) return [];
    return typeof holders === 'string' ? [holders] : [...holders];
  }

  /** The first (sorted) holder of `ip`, or undefined when free. */
  ownerOf(ip: string): string | undefined {
    return this.holdersOf(ip)[0];
  }

  /** Name of the pool whose entries contain `ip` (ignoring avoidBuggyIPs), or undefined. */
  poolOf(ip: string): string | undefined {
    const value = parseIp(ip);
    return value === undefined ? undefined : this.#set.index.find(value)?.name;
  }

  /** Counters of one pool, or undefined for an unknown pool. */
  poolStats(pool: string): PoolStats | undefined {
    return this.#set.byName.get(pool)?.stats();
  }

  /** Counters of every pool, in setPools order. */
  allPoolStats(): readonly PoolStats[] {
    return this.#set.pools.map((pool) => pool.stats());
  }

  /** The current pool specs, in setPools order. */
  pools(): readonly PoolSpec[] {
    return this.#set.pools.map((pool) => pool.spec);
  }

  /** Keys of every service holding IPs. */
  serviceKeys(): readonly string[] {
    return [...this.#store.keys()];
  }

  /** Number of services holding IPs. */
  get size(): number {
    return this.#store.size;
  }

  #poolNamed(name: string, serviceKey: string): PoolState {
    const pool = this.#set.byName.get(name);
    if (pool === undefined) {
      throw new IpamError(
        IpamErrorCode.unknownPool,
        `service "${serviceKey}" asks for unknown pool "${name}"`,
        {
          serviceKey,
          pool: name,
        },
      );
    }
    return pool;
  }

  /** Keeps (and maybe completes) the current holding when it still fits the request. */
  #keep(req: NormalizedRequest, current: HoldingValue, named: PoolState | undefined): boolean {
    const ip4 = ip4Of(current);
    const ip6 = ip6Of(current);
    if (ip4 !== undefined && !wants(req, 'IPv4')) return false;
    if (ip6 !== undefined && !wants(req, 'IPv6')) return false;
    const dual = ip4 !== undefined && ip6 !== undefined;
    if (req.policy === 'RequireDualStack' && !dual) return false;
    const pool = this.#set.index.find((ip4 ?? ip6) as IpValue) as PoolState;
    if (named !== undefined && pool !== named) return false;
    if (!pool.serves(req)) return false;
    if (ip4 !== undefined && findSharingConflict(this.#store.holdersAt(ip4), req, this.#store.holdingOf))
      return false;
    if (ip6 !== undefined && findSharingConflict(this.#store.holdersAt(ip6), req, this.#store.holdingOf))
      return false;
    let next4 = ip4;
    let next6 = ip6;
    if (req.policy === 'PreferDualStack' && req.secondary !== undefined && !dual) {
      if (ip4 === undefined) next4 = this.#candidate4(pool, req);
      else next6 = this.#candidate6(pool, req);
    }
    const next = encodeHolding(next4, next6, req.sharingKey, req.backendKey, req.ports);
    if (typeof current !== 'object' && next === current) return true;
    this.#store.release(req.key);
    this.#store.commit(req.key, next, pool);
    return true;
  }

  #plan(req: NormalizedRequest, named: PoolState | undefined): Plan {
    const families = req.secondary === undefined ? req.primary : `${req.primary}, ${req.secondary}`;
    if (named !== undefined) {
      if (!named.serves(req)) {
        throw new IpamError(
          IpamErrorCode.poolNotAllowed,
          `pool "${named.name}" does not serve service "${req.key}"`,
          {
            serviceKey: req.key,
            pool: named.name,
          },
        );
      }
      const plan = this.#planFromPools([named], req);
      if (plan !== undefined) return plan;
      throw new IpamError(
        IpamErrorCode.noAvailableIps,
        `no available IPs in pool "${named.name}" for service "${req.key}" (${families})`,
        { serviceKey: req.key, pool: named.name },
      );
    }
    const pinnedPools = this.#set.pinned;
    const pinned = pinnedPools.length === 0 ? pinnedPools : pinnedPools.filter((pool) => pool.serves(req));
    const plan =
      this.#planFromPools(this.#preferSharing(pinned, req), req) ??
      this.#planFromPools(this.#preferSharing(this.#set.fallback, req), req);
    if (plan !== undefined) return plan;
    throw new IpamError(
      IpamErrorCode.noAvailableIps,
      `no available IPs for service "${req.key}" (${families})`,
      {
        serviceKey: req.key,
      },
    );
  }

  /**
   * Among pools of equal priority (MetalLB tries them in no set order), those where a compatible
   * service already shares an IP come first, so services with one sharing key land on one IP.
   * `pools` is sorted by priority; the result keeps that order between priorities.
   */
  #preferSharing(pools: readonly PoolState[], req: NormalizedRequest): readonly PoolState[] {
    if (req.sharingKey === '' || pools.length < 2) return pools;
    // One pass over the key's IPs (not one per pool): the pools holding a compatible shared IP.
    const sharing = new Set<PoolState>();
    for (const ip of this.#store.sharedIps(req.sharingKey)) {
      if (!wants(req, familyOf(ip))) continue;
      const pool = this.#set.index.find(ip);
      if (pool === undefined || sharing.has(pool) || !pool.permits(ip)) continue;
      if (findSharingConflict(this.#store.holdersAt(ip), req, this.#store.holdingOf) === undefined)
        sharing.add(pool);
    }
    if (sharing.size === 0) return pools;
    // Array.prototype.sort is stable, so ties keep the priority order and the given order.
    return [...pools].sort(
      (a, b) => a.priorityRank - b.priorityRank || Number(sharing.has(b)) - Number(sharing.has(a)),
    );
  }

  /**
   * MetalLB's pool choice: the first pool that gives the service all it wants; for
   * PreferDualStack, failing that, the first pool with the primary family, then the first with
   * the secondary one.
   */
  #planFromPools(pools: readonly PoolState[], req: NormalizedRequest): Plan | undefined {
    let primaryOnly: Plan | undefined;
    let secondaryOnly: Plan | undefined;
    for (const pool of pools) {
      const primary = this.#candidate(pool, req.primary, req);
      if (req.secondary === undefined) {
        if (primary !== undefined) return planOf(pool, primary);
        continue;
      }
      const secondary = this.#candidate(pool, req.secondary, req);
      if (primary !== undefined && secondary !== undefined) return planOf(pool, primary, secondary);
      if (req.policy !== 'PreferDualStack') continue;
      if (primary !== undefined) primaryOnly ??= planOf(pool, primary);
      if (secondary !== undefined) secondaryOnly ??= planOf(pool, secondary);
    }
    return primaryOnly ?? secondaryOnly;
  }

  #candidate(pool: PoolState, family: IpFamily, req: NormalizedRequest): IpValue | undefined {
    return family === 'IPv4' ? this.#candidate4(pool, req) : this.#candidate6(pool, req);
  }

  /** An IP compatible sharers already use (lowest first), else the lowest free one. */
  #candidate4(pool: PoolState, req: NormalizedRequest): number | undefined {
    if (req.sharingKey !== '') {
      const shared = this.#sharedCandidate(pool, 'number', req);
      if (shared !== undefined) return shared as number;
    }
    return pool.lowestFree4();
  }

  #candidate6(pool: PoolState, req: NormalizedRequest): bigint | undefined {
    if (req.sharingKey !== '') {
      const shared = this.#sharedCandidate(pool, 'bigint', req);
      if (shared !== undefined) return shared as bigint;
    }
    return pool.lowestFree6();
  }

  #sharedCandidate(pool: PoolState, type: 'number' | 'bigint', req: NormalizedRequest): IpValue | undefined {
    let best: IpValue | undefined;
    for (const ip of this.#store.sharedIps(req.sharingKey)) {
      if (typeof ip !== type || (best !== undefined && ip > best)) continue;
      if (this.#set.index.find(ip) !== pool || !pool.permits(ip)) continue;
      if (findSharingConflict(this.#store.holdersAt(ip), req, this.#store.holdingOf) === undefined) best = ip;
    }
    return best;
  }

  /** `bothFamilies`: the IPs must include one of each of the service's two families. */
  #assign(req: NormalizedRequest, ips: readonly IpValue[], bothFamilies: boolean): Assignment {
    const fail = (code: IpamErrorCode, message: string, ip?: IpValue, pool?: string): never => {
      throw new IpamError(code, message, {
        serviceKey: req.key,
        ...(ip === undefined ? {} : { ip: format(ip) }),
        ...(pool === undefined ? {} : { pool }),
      });
    };
    if (ips.length === 0) fail(IpamErrorCode.badIpCount, `service "${req.key}": no IPs to assign`);
    if (bothFamilies && ips.length === 1) {
      fail(
        IpamErrorCode.wrongFamily,
        `service "${req.key}" (${req.policy}) needs one IP of each of ${req.primary} and ${req.secondary}, got only ${format(ips[0] as IpValue)}`,
        ips[0],
      );
    }
    let pool: PoolState | undefined;
    for (const ip of ips) {
      const family = familyOf(ip);
      if (!wants(req, family)) {
        const families = req.secondary === undefined ? req.primary : `${req.primary} and ${req.secondary}`;
        fail(
          IpamErrorCode.wrongFamily,
          `${format(ip)} is ${family}, but service "${req.key}" is ${families}`,
          ip,
        );
      }
      const owner = this.#set.index.find(ip);
      if (owner === undefined) fail(IpamErrorCode.ipNotInPool, `${format(ip)} is not in any pool`, ip);
      const found = owner as PoolState;
      if (!found.permits(ip)) {
        fail(
          IpamErrorCode.ipNotInPool,
          `${format(ip)} is avoided by pool "${found.name}" (avoidBuggyIPs)`,
          ip,
          found.name,
        );
      }
      if (pool !== undefined && pool !== found) {
        fail(
          IpamErrorCode.ipsInDifferentPools,
          `IPs of service "${req.key}" are in different pools "${pool.name}" and "${found.name}"`,
          ip,
        );
      }
      pool = found;
    }
    const target = pool as PoolState;
    if (req.pool !== undefined) {
      this.#poolNamed(req.pool, req.key);
      if (target.name !== req.pool) {
        fail(
          IpamErrorCode.ipNotInRequestedPool,
          `${format(ips[0] as IpValue)} is in pool "${target.name}", not in pool "${req.pool}" that service "${req.key}" asks for`,
          ips[0],
          target.name,
        );
      }
    }
    if (!target.serves(req)) {
      fail(
        IpamErrorCode.poolNotAllowed,
        `pool "${target.name}" does not serve service "${req.key}"`,
        undefined,
        target.name,
      );
    }
    for (const ip of ips) {
      const holders = this.#store.holdersAt(ip);
      const conflict = findSharingConflict(holders, req, this.#store.holdingOf);
      if (conflict !== undefined) throw sharingError(ip, holders as Holders, req, conflict);
    }
    let ip4: number | undefined;
    let ip6: bigint | undefined;
    for (const ip of ips) {
      if (typeof ip === 'number') ip4 = ip;
      else ip6 = ip;
    }
    this.#store.release(req.key);
    const value = encodeHolding(ip4, ip6, req.sharingKey, req.backendKey, req.ports);
    this.#store.commit(req.key, value, target);
    return describeHolding(req.key, value, target);
  }
}

function wants(req: NormalizedRequest, family: IpFamily): boolean {
  return req.primary === family || req.secondary === family;
}

function planOf(pool: PoolState, a: IpValue, b?: IpValue): Plan {
  if (typeof a === 'number') return { pool, ip4: a, ip6: b as bigint | undefined };
  return { pool, ip4: b as number | undefined, ip6: a };
}

function format(ip: IpValue): string {
  return typeof ip === 'number' ? formatIpv4(ip) : formatIpv6(ip);
}
