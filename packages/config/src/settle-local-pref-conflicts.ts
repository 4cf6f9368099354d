/**
 * MetalLB's localPref rule (validateBGPAdvPerPool): two advertisements of one pool must not set
 * different LOCAL_PREF when they would send the same prefix to the same peer from the same node,
 * i.e. when they share the aggregation length of a family the pool has, a peer and a node. A
 * router would receive one prefix with two preferences from one speaker, and which one wins is
 * arbitrary. Advertisements with
 * serviceSelectors are skipped (they may never select the same Service; the speaker re-checks per
 * Service). Oldest first: the newer advertisement stops announcing that pool, and both say so.
 */
import { IpFamily, parseAddressEntry } from '@baremetal-lb/ipam';
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { ResolvedBgpAdvertisement } from './resolve-bgp-advertisements.ts';
import type { ConfiguredPool } from './resolve-pools.ts';

const kind = 'BGPAdvertisement';

function intersect(a: readonly string[], b: readonly string[]): boolean {
  return a.some((item) => b.includes(item));
}

function familiesOf(pool: ConfiguredPool): Set<IpFamily> {
  const families = new Set<IpFamily>();
  for (const entry of pool.spec.addresses) {
    const parsed = parseAddressEntry(entry);
    if (parsed.ok) families.add(parsed.range.family);
  }
  return families;
}

function overlaps(
  a: ResolvedBgpAdvertisement,
  b: ResolvedBgpAdvertisement,
  families: ReadonlySet<IpFamily>,
  nodesKnown: boolean,
): boolean {
  const sameLength =
    (families.has(IpFamily.ipv4) && a.aggregationLength === b.aggregationLength) ||
    (families.has(IpFamily.ipv6) && a.aggregationLengthV6 === b.aggregationLengthV6);
  const samePeer = a.allPeers || b.allPeers || intersect(a.peers, b.peers);
  // Without nodes (the controller) a shared node is assumed: the speakers, which know them, settle it.
  const sameNode = !nodesKnown || intersect(a.nodes, b.nodes);
  return sameLength && samePeer && sameNode;
}

export function settleLocalPrefConflicts(
  advertisements: readonly ResolvedBgpAdvertisement[],
  pools: readonly ConfiguredPool[],
  nodesKnown: boolean,
  problems: ConfigProblem[],
): ResolvedBgpAdvertisement[] {
  const families = new Map(pools.map((pool) => [pool.name, familiesOf(pool)]));
  const settled: ResolvedBgpAdvertisement[] = [];
  for (const advertisement of advertisements) {
    const dropped = new Set<string>();
    if (advertisement.serviceSelectors.length === 0) {
      for (const older of settled) {
        if (older.serviceSelectors.length > 0) continue;
        if ((older.localPref ?? 0) === (advertisement.localPref ?? 0)) continue;
        const shared = advertisement.pools.filter((pool) => older.pools.includes(pool) && !dropped.has(pool));
        for (const pool of shared) {
          if (!overlaps(older, advertisement, families.get(pool) ?? new Set(), nodesKnown)) continue;
          dropped.add(pool);
          const detail = `localPref ${advertisement.localPref ?? 0} vs ${older.localPref ?? 0} for pool "${pool}" on shared peers and nodes`;
          problems.push({
            severity: 'warning',
            code: ConfigProblemCode.localPrefConflict,
            object: { kind, name: advertisement.name },
            field: 'spec.localPref',
            message: `advertisement "${advertisement.name}" does not announce pool "${pool}": it conflicts with the older advertisement "${older.name}" (${detail})`,
            related: { kind, name: older.name },
          });
          problems.push({
            severity: 'warning',
            code: ConfigProblemCode.localPrefConflict,
            object: { kind, name: older.name },
            field: 'spec.localPref',
            message: `advertisement "${older.name}": the newer advertisement "${advertisement.name}" conflicts with it (${detail}) and does not announce the pool`,
            related: { kind, name: advertisement.name },
          });
        }
      }
    }
    settled.push(
      dropped.size === 0
        ? advertisement
        : { ...advertisement, pools: advertisement.pools.filter((pool) => !dropped.has(pool)) },
    );
  }
  return settled;
}
