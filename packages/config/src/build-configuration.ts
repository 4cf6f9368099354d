/**
 * The one pure function from metallb.io objects (plus Nodes, Namespaces and Secrets) to the
 * configuration the controller and speaker run with. Every object is judged on its own; a bad one
 * is left out with its problems listed, and never invalidates the others (MetalLB instead keeps
 * the whole previous configuration).
 */
import type { PoolSpec } from '@baremetal-lb/ipam';
import type { SecretLike } from './bgp-resources.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { IPAddressPool, L2Advertisement, LabeledObject } from './metallb-resources.ts';
import { type ResolvedBfdProfile, resolveBfdProfiles } from './resolve-bfd-profiles.ts';
import { type ResolvedBgpAdvertisement, resolveBgpAdvertisements } from './resolve-bgp-advertisements.ts';
import { type ResolvedBgpPeer, resolveBgpPeers } from './resolve-bgp-peers.ts';
import { type CommunityValue, resolveCommunities } from './resolve-communities.ts';
import { type ResolvedL2Advertisement, resolveL2Advertisements } from './resolve-l2-advertisements.ts';
import { type ConfiguredPool, resolvePools } from './resolve-pools.ts';
import { settleLocalPrefConflicts } from './settle-local-pref-conflicts.ts';
import { settlePeerNodeConflicts } from './settle-peer-node-conflicts.ts';

export type ConfigInput = {
  /** The IPAddressPools of the namespace baremetal-lb watches (other namespaces are not mixed in). */
  readonly pools?: readonly IPAddressPool[];
  readonly l2Advertisements?: readonly L2Advertisement[];
  /** BGPPeers (metallb.io/v1beta2), BGPAdvertisements, Communities and BFDProfiles of that namespace. */
  readonly bgpPeers?: readonly unknown[];
  readonly bgpAdvertisements?: readonly unknown[];
  readonly communities?: readonly unknown[];
  readonly bfdProfiles?: readonly unknown[];
  /** Secrets of that namespace, for BGPPeer passwordSecret; omit where passwords are not needed. */
  readonly secrets?: readonly SecretLike[];
  /** For nodeSelectors; omit in the controller, which does not need node resolution. */
  readonly nodes?: readonly LabeledObject[];
  /** For serviceAllocation.namespaceSelectors. */
  readonly namespaces?: readonly LabeledObject[];
};

export type Configuration = {
  /** Pools in use, oldest first. */
  readonly pools: readonly ConfiguredPool[];
  /** The same pools as the ipam allocator takes them. */
  readonly poolSpecs: readonly PoolSpec[];
  /** Advertisements in use, by name. */
  readonly l2Advertisements: readonly ResolvedL2Advertisement[];
  /** BGP peers in use, by name, each with the nodes that run it. */
  readonly bgpPeers: readonly ResolvedBgpPeer[];
  /** BGP advertisements in use, by name. */
  readonly bgpAdvertisements: readonly ResolvedBgpAdvertisement[];
  /** BFD profiles in use, by name. */
  readonly bfdProfiles: ReadonlyMap<string, ResolvedBfdProfile>;
  /** Community aliases, by alias. */
  readonly communityAliases: ReadonlyMap<string, CommunityValue>;
  /** Every problem, per object; see problemsByObject and buildStatusConditions. */
  readonly problems: readonly ConfigProblem[];
};

function asList<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function buildConfiguration(input: ConfigInput): Configuration {
  const problems: ConfigProblem[] = [];
  const nodes = asList(input.nodes);
  const { pools, rejected } = resolvePools(asList(input.pools), asList(input.namespaces), problems);
  const l2Advertisements = resolveL2Advertisements(
    asList(input.l2Advertisements),
    pools,
    rejected,
    nodes,
    problems,
  );
  const bfdProfiles = resolveBfdProfiles(asList(input.bfdProfiles), problems);
  const communityAliases = resolveCommunities(asList(input.communities), problems);
  const secrets = Array.isArray(input.secrets) ? input.secrets : undefined;
  const bgpPeers = settlePeerNodeConflicts(
    resolveBgpPeers(asList(input.bgpPeers), { bfdProfiles, secrets, nodes }, problems),
    problems,
  );
  const bgpAdvertisements = settleLocalPrefConflicts(
    resolveBgpAdvertisements(
      asList(input.bgpAdvertisements),
      { pools, rejectedPools: rejected, peers: bgpPeers, communities: communityAliases, nodes },
      problems,
    ),
    pools,
    nodes.length > 0,
    problems,
  );
  return {
    pools,
    poolSpecs: pools.map((pool) => pool.spec),
    l2Advertisements,
    bgpPeers: byName(bgpPeers),
    bgpAdvertisements: byName(bgpAdvertisements),
    bfdProfiles,
    communityAliases,
    problems,
  };
}
