/**
 * Who holds what: service key -> holding, IP -> holders, sharing key -> shared IPs, and the
 * matching bookkeeping in the pools (free intervals, in-use counters). No policy: the Allocator
 * decides, this store records. `commit` and `release` are exact inverses.
 */

import { HolderIndex, type Holders } from './holder-index.ts';
import { type HoldingValue, ip4Of, ip6Of, sharingKeyOf } from './holding.ts';
import { formatIpv4, formatIpv6, type IpValue } from './ip-address.ts';
import type { PoolSet } from './pool-set.ts';
import type { PoolState } from './pool-state.ts';
import type { Assignment } from './service-request.ts';

const NO_IPS: ReadonlySet<IpValue> = new Set();

export class HoldingStore {
  readonly #holdings = new Map<string, HoldingValue>();
  readonly #holders = new HolderIndex();
  /** Sharing key -> IPs whose holders carry it: where a new sharing service looks first. */
  readonly #sharedIps = new Map<string, Set<IpValue>>();
  #pools: PoolSet;
  /** `holdingOf(serviceKey)`, as a stable function for the sharing checks. */
  readonly holdingOf = (serviceKey: string): HoldingValue | undefined => this.#holdings.get(serviceKey);

  constructor(pools: PoolSet) {
    this.#pools = pools;
  }

  get size(): number {
    return this.#holdings.size;
  }

  keys(): IterableIterator<string> {
    return this.#holdings.keys();
  }

  holdersAt(ip: IpValue): Holders | undefined {
    return this.#holders.get(ip);
  }

  /** IPs currently held under `sharingKey`. */
  sharedIps(sharingKey: string): ReadonlySet<IpValue> {
    return this.#sharedIps.get(sharingKey) ?? NO_IPS;
  }

  /**
   * Moves every holding onto `next` (a new pool set): releases those whose IPs it does not permit
   * (outside every pool, an avoided .0/.255, or a dual-stack pair split across pools), rebuilds
   * each pool's free intervals from the rest in one sorted pass, and returns the released keys.
   */
  rebind(next: PoolSet): string[] {
    const invalid: string[] = [];
    const held4 = new Map<PoolState, number[]>();
    const held6 = new Map<PoolState, bigint[]>();
    for (const [key, value] of this.#holdings) {
      const ip4 = ip4Of(value);
      const ip6 = ip6Of(value);
      const pool4 = ip4 === undefined ? undefined : next.index.find(ip4);
      const pool6 = ip6 === undefined ? undefined : next.index.find(ip6);
      const valid =
        (ip4 === undefined || pool4?.permits(ip4) === true) &&
        (ip6 === undefined || pool6 !== undefined) &&
        (pool4 === undefined || pool6 === undefined || pool4 === pool6);
      if (!valid) invalid.push(key);
      else {
        if (ip4 !== undefined) pushTo(held4, pool4 as PoolState, ip4);
        if (ip6 !== undefined) pushTo(held6, pool6 as PoolState, ip6);
      }
    }
    // The old pools are dropped below, so their free intervals need no update.
    for (const key of invalid) this.#forget(key, this.#holdings.get(key) as HoldingValue, false);
    for (const pool of next.pools) {
      pool.rebuildFree(
        sortedUnique(held4.get(pool) ?? [], (a, b) => a - b),
        sortedUnique(held6.get(pool) ?? [], (a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    this.#pools = next;
    return invalid.sort();
  }

  get(serviceKey: string): HoldingValue | undefined {
    return this.#holdings.get(serviceKey);
  }

  /** Records `value` for `serviceKey` (which holds nothing); `pool`, if given, contains its IPs. */
  commit(serviceKey: string, value: HoldingValue, pool?: PoolState): void {
    this.#holdings.set(serviceKey, value);
    const sharingKey = sharingKeyOf(value);
    const ip4 = ip4Of(value);
    const ip6 = ip6Of(value);
    if (ip4 !== undefined) this.#addHolder(ip4, serviceKey, sharingKey, pool);
    if (ip6 !== undefined) this.#addHolder(ip6, serviceKey, sharingKey, pool);
  }

  /** Forgets what `serviceKey` holds; false when it held nothing. */
  release(serviceKey: string): boolean {
    const value = this.#holdings.get(serviceKey);
    if (value === undefined) return false;
    this.#forget(serviceKey, value, true);
    return true;
  }

  /** What the service holds, as an Assignment, or undefined. */
  describe(serviceKey: string): Assignment | undefined {
    const value = this.#holdings.get(serviceKey);
    if (value === undefined) return undefined;
    const pool = this.#pools.index.find((ip4Of(value) ?? ip6Of(value)) as IpValue) as PoolState;
    return describeHolding(serviceKey, value, pool);
  }

  #addHolder(ip: IpValue, serviceKey: string, sharingKey: string, knownPool: PoolState | undefined): void {
    const holders = this.#holders.get(ip);
    if (holders !== undefined) {
      const list = typeof holders === 'string' ? [holders] : [...holders];
      list.push(serviceKey);
      list.sort();
      this.#holders.set(ip, list);
      return;
    }
    this.#holders.set(ip, serviceKey);
    const pool = knownPool ?? (this.#pools.index.find(ip) as PoolState);
    if (typeof ip === 'number') {
      pool.free4.remove(ip);
      pool.used4++;
    } else {
      pool.free6.remove(ip);
      pool.used6++;
    }
    if (sharingKey !== '') {
      let ips = this.#sharedIps.get(sharingKey);
      if (ips === undefined) {
        ips = new Set();
        this.#sharedIps.set(sharingKey, ips);
      }
      ips.add(ip);
    }
  }

  #forget(serviceKey: string, value: HoldingValue, freeInPools: boolean): void {
    this.#holdings.delete(serviceKey);
    const sharingKey = sharingKeyOf(value);
    const ip4 = ip4Of(value);
    const ip6 = ip6Of(value);
    if (ip4 !== undefined) this.#removeHolder(ip4, serviceKey, sharingKey, freeInPools);
    if (ip6 !== undefined) this.#removeHolder(ip6, serviceKey, sharingKey, freeInPools);
  }

  #removeHolder(ip: IpValue, serviceKey: string, sharingKey: string, freeInPools: boolean): void {
    const holders = this.#holders.get(ip);
    if (typeof holders !== 'string') {
      const rest = (holders ?? []).filter((key) => key !== serviceKey);
      this.#holders.set(ip, rest.length === 1 ? (rest[0] as string) : rest);
      return;
    }
    this.#holders.delete(ip);
    if (sharingKey !== '') {
      const ips = this.#sharedIps.get(sharingKey);
      ips?.delete(ip);
      if (ips?.size === 0) this.#sharedIps.delete(sharingKey);
    }
    if (!freeInPools) return;
    const pool = this.#pools.index.find(ip) as PoolState;
    if (typeof ip === 'number') {
      pool.free4.add(ip);
      pool.used4--;
    } else {
      pool.free6.add(ip);
      pool.used6--;
    }
  }
}

export function describeHolding(serviceKey: string, value: HoldingValue, pool: PoolState): Assignment {
  if (typeof value === 'number') return { serviceKey, pool: pool.name, ips: [formatIpv4(value >>> 0)] };
  if (typeof value === 'bigint') return { serviceKey, pool: pool.name, ips: [formatIpv6(value)] };
  const ips = value.ip4 === undefined ? [] : [formatIpv4(value.ip4)];
  if (value.ip6 !== undefined) ips.push(formatIpv6(value.ip6));
  return { serviceKey, pool: pool.name, ips };
}

function pushTo<T>(map: Map<PoolState, T[]>, pool: PoolState, value: T): void {
  const list = map.get(pool);
  if (list === undefined) map.set(pool, [value]);
  else list.push(value);
}

function sortedUnique<T>(values: T[], compare: (a: T, b: T) => number): T[] {
  values.sort(compare);
  let write = 0;
  for (let read = 0; read < values.length; read++) {
    if (write === 0 || compare(values[read] as T, values[write - 1] as T) !== 0)
      values[write++] = values[read] as T;
  }
  values.length = write;
  return values;
}
