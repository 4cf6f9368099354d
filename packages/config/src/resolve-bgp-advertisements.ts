/**
 * BGPAdvertisement objects → what each announces: pools, prefix lengths, attributes, peers and
 * nodes. A malformed advertisement is left out, and so is one that names a community alias that
 * does not exist: announcing without it could leak a route its community was meant to contain
 * (no-advertise, for instance). A pool name or peer name that does not exist is a warning, as for
 * layer 2; so is a pool the aggregation length does not fit, which this advertisement then skips.
 */
import type { LabelSelector } from '@baremetal-lb/ipam';
import { aggregationProblem } from './aggregation-problem.ts';
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { LabeledObject } from './metallb-resources.ts';
import { nameObjects } from './name-objects.ts';
import { matchesAny, selectNodes, toNodeViews } from './node-views.ts';
import { type ObjectReporter, objectReporter } from './object-reporter.ts';
import { parseCommunity } from './parse-community.ts';
import { readOptionalInteger, readSelectorList, readStringList, specOf } from './read-fields.ts';
import type { ResolvedBgpPeer } from './resolve-bgp-peers.ts';
import type { CommunityValue } from './resolve-communities.ts';
import type { ConfiguredPool } from './resolve-pools.ts';

export type ResolvedBgpAdvertisement = {
  readonly name: string;
  readonly aggregationLength: number;
  readonly aggregationLengthV6: number;
  /** Undefined when unset or 0 (MetalLB's "no local preference"). Sent to iBGP peers only. */
  readonly localPref?: number;
  /** RFC 1997 communities as `A:B`, aliases resolved, sorted and unique. */
  readonly communities: readonly string[];
  /** RFC 8092 large communities as `G:L1:L2`, sorted and unique. */
  readonly largeCommunities: readonly string[];
  /** True when it names no pools and no pool selectors: every pool. */
  readonly allPools: boolean;
  /** The configured pools it announces, sorted. */
  readonly pools: readonly string[];
  /** True when spec.peers is empty: every peer. */
  readonly allPeers: boolean;
  /** The existing peers it names, sorted (empty with allPeers). */
  readonly peers: readonly string[];
  readonly nodeSelectors: readonly LabelSelector[];
  /** The given nodes that may announce, sorted. */
  readonly nodes: readonly string[];
  readonly serviceSelectors: readonly LabelSelector[];
};

export type AdvertisementContext = {
  readonly pools: readonly ConfiguredPool[];
  readonly rejectedPools: ReadonlySet<string>;
  readonly peers: readonly ResolvedBgpPeer[];
  readonly communities: ReadonlyMap<string, CommunityValue>;
  readonly nodes: readonly LabeledObject[];
};

const kind = 'BGPAdvertisement';

function readCommunities(
  value: unknown,
  aliases: ReadonlyMap<string, CommunityValue>,
  reporter: ObjectReporter,
): { communities: string[]; largeCommunities: string[] } {
  const standard = new Set<string>();
  const large = new Set<string>();
  readStringList(value, 'spec.communities', reporter.report).forEach((text, index) => {
    const field = `spec.communities[${index}]`;
    const parsed = parseCommunity(text);
    if (parsed.type === 'invalid') {
      reporter.problem('error', ConfigProblemCode.invalidCommunity, field, parsed.message);
      return;
    }
    const resolved = parsed.type === 'alias' ? aliases.get(parsed.name) : parsed;
    if (resolved === undefined) {
      reporter.problem(
        'error',
        ConfigProblemCode.unknownCommunityAlias,
        field,
        `community alias "${text}" is not defined in any Community object; the advertisement is not used until it is`,
      );
      return;
    }
    (resolved.type === 'standard' ? standard : large).add(resolved.value);
  });
  const byNumbers = (a: string, b: string) => {
    const [x, y] = [a.split(':').map(Number), b.split(':').map(Number)];
    const index = x.findIndex((part, i) => part !== y[i]);
    return index === -1 ? 0 : (x[index] ?? 0) - (y[index] ?? 0);
  };
  return { communities: [...standard].sort(byNumbers), largeCommunities: [...large].sort(byNumbers) };
}

function resolveAdvertisement(
  name: string,
  object: unknown,
  context: AdvertisementContext,
  problems: ConfigProblem[],
): ResolvedBgpAdvertisement | undefined {
  const reporter = objectReporter(kind, name, problems, 'advertisement');
  const { problem, report } = reporter;
  const spec = specOf(object);
  const aggregationLength =
    readOptionalInteger(spec.aggregationLength, 'spec.aggregationLength', report, { min: 1, max: 32 }) ?? 32;
  const aggregationLengthV6 =
    readOptionalInteger(spec.aggregationLengthV6, 'spec.aggregationLengthV6', report, { min: 1, max: 128 }) ??
    128;
  const localPref = readOptionalInteger(spec.localPref, 'spec.localPref', report, {
    min: 0,
    max: 0xffffffff,
  });
  const { communities, largeCommunities } = readCommunities(spec.communities, context.communities, reporter);
  const namedPools = readStringList(spec.ipAddressPools, 'spec.ipAddressPools', report);
  const poolSelectors = readSelectorList(spec.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', report);
  const nodeSelectors = readSelectorList(spec.nodeSelectors, 'spec.nodeSelectors', report);
  const namedPeers = readStringList(spec.peers, 'spec.peers', report);
  const serviceSelectors = readSelectorList(spec.serviceSelectors, 'spec.serviceSelectors', report);
  if (serviceSelectors.selectors.length > 0 && (aggregationLength !== 32 || aggregationLengthV6 !== 128)) {
    report(
      'spec.serviceSelectors',
      'serviceSelectors need aggregationLength 32 and aggregationLengthV6 128 (an aggregate covers other Services too)',
    );
  }
  if (reporter.broken()) return undefined;

  const poolsByName = new Map(context.pools.map((pool) => [pool.name, pool]));
  const covered = new Set<string>();
  namedPools.forEach((poolName, index) => {
    const field = `spec.ipAddressPools[${index}]`;
    if (poolsByName.has(poolName)) covered.add(poolName);
    else if (context.rejectedPools.has(poolName))
      problem(
        'warning',
        ConfigProblemCode.rejectedBgpPool,
        field,
        `pool "${poolName}" is not used (see its status), so it is not announced`,
      );
    else problem('warning', ConfigProblemCode.unknownBgpPool, field, `pool "${poolName}" does not exist`);
  });
  const allPools = namedPools.length === 0 && poolSelectors.selectors.length === 0;
  for (const pool of context.pools) {
    if (allPools || matchesAny(pool.labels, poolSelectors.selectors)) covered.add(pool.name);
  }
  for (const poolName of [...covered]) {
    const why = aggregationProblem(poolsByName.get(poolName) as ConfiguredPool, {
      v4: aggregationLength,
      v6: aggregationLengthV6,
    });
    if (why === undefined) continue;
    covered.delete(poolName);
    problem(
      'warning',
      ConfigProblemCode.aggregationLength,
      'spec.aggregationLength',
      `${why}; this advertisement does not announce it`,
      {
        kind: 'IPAddressPool',
        name: poolName,
      },
    );
  }

  const peerNames = new Set(context.peers.map((peer) => peer.name));
  const peers = new Set<string>();
  namedPeers.forEach((peerName, index) => {
    if (peerNames.has(peerName)) peers.add(peerName);
    else
      problem(
        'warning',
        ConfigProblemCode.unknownPeer,
        `spec.peers[${index}]`,
        `peer "${peerName}" does not exist (or is not used, see its status)`,
      );
  });

  return {
    name,
    aggregationLength,
    aggregationLengthV6,
    ...(localPref === undefined || localPref === 0 ? {} : { localPref }),
    communities,
    largeCommunities,
    allPools,
    pools: [...covered].sort(),
    allPeers: namedPeers.length === 0,
    peers: [...peers].sort(),
    nodeSelectors: nodeSelectors.selectors,
    nodes: selectNodes(toNodeViews(context.nodes), nodeSelectors.selectors).map((node) => node.name),
    serviceSelectors: serviceSelectors.selectors,
  };
}

/** Advertisements in age order (oldest first); see settleLocalPrefConflicts. */
export function resolveBgpAdvertisements(
  objects: readonly unknown[],
  context: AdvertisementContext,
  problems: ConfigProblem[],
): ResolvedBgpAdvertisement[] {
  const resolved: ResolvedBgpAdvertisement[] = [];
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const advertisement = resolveAdvertisement(name, object, context, problems);
    if (advertisement !== undefined) resolved.push(advertisement);
  }
  return resolved;
}
