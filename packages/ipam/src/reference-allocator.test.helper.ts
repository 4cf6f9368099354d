/**
 * A deliberately naive model of the allocator for the model-based property test: pools are
 * enumerated address lists, holders are found by scanning every service. Tiny pools only.
 * It shares nothing with the implementation but the types and formatIp (output text): its input
 * reading is its own (reference-inputs.test.helper.ts), and none of the allocator's data
 * structures (FreeRanges, RangeIndex, HolderIndex, Holding) or checks are used.
 */
import { formatIp, type IpValue } from './ip-address.ts';
import { IpamError, type IpamErrorCode } from './ipam-error.ts';
import type { NormalizedRequest } from './normalize-request.ts';
import type { PoolSpec } from './pool-spec.ts';
import {
  fail as code,
  modelCheckPools,
  modelReadRequest,
  modelRequestedIps,
  modelSelects,
} from './reference-inputs.test.helper.ts';
import type { Assignment, IpFamily, ServicePort, ServiceRequest } from './service-request.ts';

interface ModelPool {
  readonly spec: PoolSpec;
  readonly addresses: readonly IpValue[];
}

export interface ModelHolding {
  readonly ips: readonly IpValue[];
  readonly sharingKey: string;
  readonly backendKey: string;
  readonly ports: readonly ServicePort[];
}

export type Outcome = { readonly ok: Assignment } | { readonly error: IpamErrorCode };

const familyOf = (ip: IpValue): IpFamily => (typeof ip === 'number' ? 'IPv4' : 'IPv6');
const buggy = (ip: IpValue) => typeof ip === 'number' && (ip % 256 === 0 || ip % 256 === 255);
const byValue = (a: IpValue, b: IpValue) =>
  typeof a !== typeof b ? (typeof a === 'number' ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;

export class ReferenceAllocator {
  pools: ModelPool[] = [];
  readonly holdings = new Map<string, ModelHolding>();

  setPools(specs: readonly PoolSpec[]): string[] {
    const addresses = modelCheckPools(specs);
    this.pools = specs.map((spec, i) => ({ spec, addresses: [...addresses[i]!].sort(byValue) }));
    const invalid = [...this.holdings]
      .filter(([, h]) => {
        const pools = h.ips.map((ip) => this.poolOf(ip));
        return (
          pools.some((p, i) => p === undefined || !this.permits(p, h.ips[i] as IpValue)) ||
          pools[0] !== pools.at(-1)
        );
      })
      .map(([key]) => key);
    for (const key of invalid) this.holdings.delete(key);
    return invalid.sort();
  }

  poolOf(ip: IpValue): ModelPool | undefined {
    return this.pools.find((pool) => pool.addresses.includes(ip));
  }

  permits(pool: ModelPool, ip: IpValue): boolean {
    return !(pool.spec.avoidBuggyIPs === true && buggy(ip));
  }

  holdersOf(ip: IpValue): string[] {
    return [...this.holdings]
      .filter(([, h]) => h.ips.includes(ip))
      .map(([key]) => key)
      .sort();
  }

  serves(pool: ModelPool, req: NormalizedRequest): boolean {
    const sa = pool.spec.serviceAllocation;
    if (sa === undefined) return true;
    const nsNames = sa.namespaces ?? [];
    const nsSelectors = sa.namespaceSelectors ?? [];
    const nsOk =
      (nsNames.length === 0 && nsSelectors.length === 0) ||
      nsNames.includes(req.namespace) ||
      nsSelectors.some((s) => modelSelects(req.namespaceLabels, s));
    const svcSelectors = sa.serviceSelectors ?? [];
    return nsOk && (svcSelectors.length === 0 || svcSelectors.some((s) => modelSelects(req.labels, s)));
  }

  sharingError(ip: IpValue, req: NormalizedRequest): IpamErrorCode | undefined {
    const others = this.holdersOf(ip).filter((key) => key !== req.key);
    if (others.length === 0) return undefined;
    const first = this.holdings.get(others[0] as string) as ModelHolding;
    if (first.sharingKey === '' || req.sharingKey === '' || first.sharingKey !== req.sharingKey) {
      return 'ERR_IPAM_SHARING_CONFLICT';
    }
    if (first.backendKey !== req.backendKey) return 'ERR_IPAM_SHARING_CONFLICT';
    for (const other of others) {
      for (const used of (this.holdings.get(other) as ModelHolding).ports) {
        if (req.ports.some((p) => p.port === used.port && p.protocol === used.protocol))
          return 'ERR_IPAM_PORT_CONFLICT';
      }
    }
    return undefined;
  }

  run(action: () => Assignment): Outcome {
    try {
      return { ok: action() };
    } catch (error) {
      if (error instanceof IpamError) return { error: error.code };
      throw error;
    }
  }

  describe(key: string): Assignment | undefined {
    const h = this.holdings.get(key);
    if (h === undefined) return undefined;
    const pool = this.poolOf(h.ips[0] as IpValue) as ModelPool;
    return { serviceKey: key, pool: pool.spec.name, ips: [...h.ips].sort(byValue).map(formatIp) };
  }

  release(key: string): boolean {
    return this.holdings.delete(key);
  }

  assign(request: ServiceRequest, ips: readonly string[]): Assignment {
    const req = modelReadRequest(request);
    return this.assignValues(req, modelRequestedIps(ips), req.policy === 'RequireDualStack');
  }

  allocate(request: ServiceRequest): Assignment {
    const req = modelReadRequest(request);
    if (req.requested.length > 0) return this.assignValues(req, req.requested, req.secondary !== undefined);
    const named = req.pool === undefined ? undefined : this.pools.find((p) => p.spec.name === req.pool);
    if (req.pool !== undefined && named === undefined) code('ERR_IPAM_UNKNOWN_POOL');
    const current = this.holdings.get(req.key);
    if (current !== undefined) {
      if (this.keep(req, current, named)) return this.describe(req.key) as Assignment;
      this.holdings.delete(req.key);
    }
    try {
      const ips = this.plan(req, named);
      this.holdings.set(req.key, this.holding(req, ips));
    } catch (error) {
      if (current !== undefined) this.holdings.set(req.key, current);
      throw error;
    }
    return this.describe(req.key) as Assignment;
  }

  private holding(req: NormalizedRequest, ips: IpValue[]): ModelHolding {
    return { ips, sharingKey: req.sharingKey, backendKey: req.backendKey, ports: req.ports };
  }

  private wants(req: NormalizedRequest, family: IpFamily): boolean {
    return req.primary === family || req.secondary === family;
  }

  private keep(req: NormalizedRequest, current: ModelHolding, named: ModelPool | undefined): boolean {
    if (current.ips.some((ip) => !this.wants(req, familyOf(ip)))) return false;
    if (req.policy === 'RequireDualStack' && current.ips.length < 2) return false;
    const pool = this.poolOf(current.ips[0] as IpValue) as ModelPool;
    if (named !== undefined && named !== pool) return false;
    if (!this.serves(pool, req)) return false;
    if (current.ips.some((ip) => this.sharingError(ip, req) !== undefined)) return false;
    const ips = [...current.ips];
    if (req.policy === 'PreferDualStack' && req.secondary !== undefined && ips.length === 1) {
      const missing: IpFamily = familyOf(ips[0] as IpValue) === 'IPv4' ? 'IPv6' : 'IPv4';
      const extra = this.candidate(pool, missing, req);
      if (extra !== undefined) ips.push(extra);
    }
    this.holdings.set(req.key, this.holding(req, ips));
    return true;
  }

  private plan(req: NormalizedRequest, named: ModelPool | undefined): IpValue[] {
    if (named !== undefined) {
      if (!this.serves(named, req)) code('ERR_IPAM_POOL_NOT_ALLOWED');
      return this.best([named], req) ?? code('ERR_IPAM_NO_AVAILABLE_IPS');
    }
    const rank = (p: ModelPool) => {
      const priority = p.spec.serviceAllocation?.priority ?? 0;
      return priority > 0 ? priority : Number.POSITIVE_INFINITY;
    };
    const pinned = this.pools
      .filter(
        (p) => p.spec.serviceAllocation !== undefined && p.spec.autoAssign !== false && this.serves(p, req),
      )
      .sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) - rank(b)));
    const fallback = this.pools.filter(
      (p) => p.spec.serviceAllocation === undefined && p.spec.autoAssign !== false,
    );
    return (
      this.best(this.preferSharing(pinned, req, rank), req) ??
      this.best(this.preferSharing(fallback, req, rank), req) ??
      code('ERR_IPAM_NO_AVAILABLE_IPS')
    );
  }

  /** Within one priority, pools where the service can join a shared IP first. */
  private preferSharing(
    pools: readonly ModelPool[],
    req: NormalizedRequest,
    rank: (pool: ModelPool) => number,
  ): ModelPool[] {
    if (req.sharingKey === '') return [...pools];
    const shares = (pool: ModelPool) =>
      [req.primary, req.secondary].some(
        (family) => family !== undefined && this.shared(pool, family, req) !== undefined,
      );
    return [...pools].sort((a, b) =>
      rank(a) === rank(b) ? Number(shares(b)) - Number(shares(a)) : rank(a) - rank(b),
    );
  }

  private shared(pool: ModelPool, family: IpFamily, req: NormalizedRequest): IpValue | undefined {
    return pool.addresses.find(
      (ip) =>
        familyOf(ip) === family &&
        this.permits(pool, ip) &&
        this.holdersOf(ip).length > 0 &&
        this.sharingError(ip, req) === undefined,
    );
  }

  private best(pools: readonly ModelPool[], req: NormalizedRequest): IpValue[] | undefined {
    let primaryOnly: IpValue[] | undefined;
    let secondaryOnly: IpValue[] | undefined;
    for (const pool of pools) {
      const a = this.candidate(pool, req.primary, req);
      if (req.secondary === undefined) {
        if (a !== undefined) return [a];
        continue;
      }
      const b = this.candidate(pool, req.secondary, req);
      if (a !== undefined && b !== undefined) return [a, b];
      if (req.policy !== 'PreferDualStack') continue;
      if (a !== undefined) primaryOnly ??= [a];
      if (b !== undefined) secondaryOnly ??= [b];
    }
    return primaryOnly ?? secondaryOnly;
  }

  private candidate(pool: ModelPool, family: IpFamily, req: NormalizedRequest): IpValue | undefined {
    if (req.sharingKey !== '') {
      const shared = this.shared(pool, family, req);
      if (shared !== undefined) return shared;
    }
    return pool.addresses.find(
      (ip) => familyOf(ip) === family && this.permits(pool, ip) && this.holdersOf(ip).length === 0,
    );
  }

  private assignValues(req: NormalizedRequest, ips: readonly IpValue[], bothFamilies: boolean): Assignment {
    if (ips.length === 0) code('ERR_IPAM_BAD_IP_COUNT');
    if (bothFamilies && ips.length < 2) code('ERR_IPAM_WRONG_FAMILY');
    let pool: ModelPool | undefined;
    for (const ip of ips) {
      if (!this.wants(req, familyOf(ip))) code('ERR_IPAM_WRONG_FAMILY');
      const owner = this.poolOf(ip) ?? code('ERR_IPAM_IP_NOT_IN_POOL');
      if (!this.permits(owner, ip)) code('ERR_IPAM_IP_NOT_IN_POOL');
      if (pool !== undefined && pool !== owner) code('ERR_IPAM_IPS_IN_DIFFERENT_POOLS');
      pool = owner;
    }
    const target = pool as ModelPool;
    if (req.pool !== undefined) {
      if (!this.pools.some((p) => p.spec.name === req.pool)) code('ERR_IPAM_UNKNOWN_POOL');
      if (target.spec.name !== req.pool) code('ERR_IPAM_IP_NOT_IN_REQUESTED_POOL');
    }
    if (!this.serves(target, req)) code('ERR_IPAM_POOL_NOT_ALLOWED');
    for (const ip of ips) {
      const conflict = this.sharingError(ip, req);
      if (conflict !== undefined) code(conflict);
    }
    this.holdings.set(req.key, this.holding(req, [...ips]));
    return this.describe(req.key) as Assignment;
  }
}
