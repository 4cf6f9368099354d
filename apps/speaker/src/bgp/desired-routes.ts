/**
 * BGP mode's pure decision, for one node: which BGP sessions this node runs and which prefixes,
 * with which attributes, go to each (MetalLB's speaker/bgp_controller.go semantics; the rules
 * are listed in ../../README.md, "BGP mode"). No election: every eligible node announces, and the
 * routers spread the flows over them (ECMP).
 */
import type { ResolvedBgpAdvertisement, ResolvedBgpPeer } from '@baremetal-lb/config';
import { matchesLabelSelector } from '@baremetal-lb/ipam';
import { isServing } from '../layer2/election/desired-announcements.ts';
import { EXCLUDE_FROM_LB_LABEL, type ServiceView } from '../layer2/election/speaker-state.ts';
import { aggregatePrefix } from './aggregate-prefix.ts';
import type { BgpState } from './bgp-state.ts';

/** Why a Service is (not) announced from this node. */
export const BgpReason = {
  announcing: 'announcing',
  noIngressIp: 'noIngressIp',
  /** No configured pool holds its ingress IPs. */
  noPool: 'noPool',
  /** NetworkUnavailable, or the exclude-from-external-load-balancers label. */
  nodeNotEligible: 'nodeNotEligible',
  /** externalTrafficPolicy Local without a serving endpoint here; Cluster without one anywhere. */
  noServingEndpoint: 'noServingEndpoint',
  /** No BGPAdvertisement selects its pool, this node and the Service. */
  noMatchingAdvertisement: 'noMatchingAdvertisement',
  /** Advertisements select it with different localPref toward one peer (MetalLB withdraws it). */
  localPrefConflict: 'localPrefConflict',
  /** Advertisements select it, but no peer they name runs on this node. */
  noPeer: 'noPeer',
} as const;
export type BgpReason = (typeof BgpReason)[keyof typeof BgpReason];

export type DesiredRoute = {
  readonly prefix: string;
  /** Sent to internal (iBGP) peers only; undefined for external ones and when unset. */
  readonly localPref: number | undefined;
  /** `A:B`, sorted and unique (union over the advertisements that yield this prefix). */
  readonly communities: readonly string[];
  /** `G:L1:L2`, sorted and unique. */
  readonly largeCommunities: readonly string[];
};

/** A session this node runs, with every route it should carry, sorted by prefix. */
export type PeerPlan = {
  readonly peer: ResolvedBgpPeer;
  readonly routes: readonly DesiredRoute[];
};

export type ServiceBgpDecision = {
  readonly namespace: string;
  readonly name: string;
  readonly reason: BgpReason;
  /** Names of the BGPPeers whose session on this node carries the Service's prefixes, sorted. */
  readonly peers: readonly string[];
};

export type DesiredRoutes = {
  /** Sessions to run, by peer name. */
  readonly peers: readonly PeerPlan[];
  /** Peers selecting this node that must not be opened yet (password Secret unusable). */
  readonly withheld: readonly { readonly peer: string; readonly reason: string }[];
  readonly services: readonly ServiceBgpDecision[];
};

type Contribution = {
  readonly localPref: number | undefined;
  readonly communities: Set<string>;
  readonly largeCommunities: Set<string>;
};

export function desiredRoutes(state: BgpState, myNode: string): DesiredRoutes {
  const mine = state.peers.filter((p) => p.nodes.includes(myNode));
  const running = mine.filter((p) => p.authentication.kind !== 'unavailable');
  const withheld = mine.flatMap((p) =>
    p.authentication.kind === 'unavailable' ? [{ peer: p.name, reason: p.authentication.reason }] : [],
  );
  // peer name → prefix → what the advertisements contribute to it.
  const routes = new Map<string, Map<string, Contribution>>(running.map((p) => [p.name, new Map()]));
  const services: ServiceBgpDecision[] = [];
  const node = state.nodes.get(myNode);
  const nodeEligible =
    node !== undefined && !node.networkUnavailable && !Object.hasOwn(node.labels, EXCLUDE_FROM_LB_LABEL);

  for (const service of state.services) {
    const decide = (reason: BgpReason, peers: readonly string[] = []) =>
      services.push({ namespace: service.namespace, name: service.name, reason, peers });
    if (service.ingressIPs.length === 0) decide(BgpReason.noIngressIp);
    else if (service.pool === undefined) decide(BgpReason.noPool);
    else if (!nodeEligible) decide(BgpReason.nodeNotEligible);
    else if (!hasServingEndpoint(service, myNode)) decide(BgpReason.noServingEndpoint);
    else {
      const advertisements = state.advertisements.filter((a) => selects(a, service, myNode));
      if (advertisements.length === 0) {
        decide(BgpReason.noMatchingAdvertisement);
        continue;
      }
      const planned = planService(service, advertisements, running);
      if (planned === 'conflict') decide(BgpReason.localPrefConflict);
      else if (planned.size === 0) decide(BgpReason.noPeer);
      else {
        for (const [peer, prefixes] of planned) {
          const table = routes.get(peer)!;
          for (const [prefix, c] of prefixes) merge(table, prefix, c);
        }
        decide(BgpReason.announcing, [...planned.keys()].sort());
      }
    }
  }

  return {
    peers: running.map((peer) => ({
      peer,
      routes: [...routes.get(peer.name)!]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([prefix, c]) => ({
          prefix,
          localPref: peer.internal ? c.localPref : undefined,
          communities: [...c.communities].sort(byNumbers),
          largeCommunities: [...c.largeCommunities].sort(byNumbers),
        })),
    })),
    withheld,
    services,
  };
}

/**
 * peer name → prefix → contribution, for one Service; 'conflict' when two advertisements give
 * one prefix different localPref toward one internal peer (MetalLB withdraws the Service then).
 */
function planService(
  service: ServiceView,
  advertisements: readonly ResolvedBgpAdvertisement[],
  peers: readonly ResolvedBgpPeer[],
): Map<string, Map<string, Contribution>> | 'conflict' {
  const out = new Map<string, Map<string, Contribution>>();
  for (const adv of advertisements) {
    const targets = peers.filter((p) => adv.allPeers || adv.peers.includes(p.name));
    for (const ip of service.ingressIPs) {
      const prefix = aggregatePrefix(ip, adv.aggregationLength, adv.aggregationLengthV6);
      if (prefix === undefined) continue;
      for (const peer of targets) {
        const table = out.get(peer.name) ?? new Map<string, Contribution>();
        out.set(peer.name, table);
        const existing = table.get(prefix);
        if (existing !== undefined && peer.internal && (existing.localPref ?? 0) !== (adv.localPref ?? 0))
          return 'conflict';
        merge(table, prefix, {
          localPref: adv.localPref,
          communities: new Set(adv.communities),
          largeCommunities: new Set(adv.largeCommunities),
        });
      }
    }
  }
  return out;
}

/** Union of communities; the first localPref stays (MetalLB's native merge). */
function merge(table: Map<string, Contribution>, prefix: string, c: Contribution): void {
  const existing = table.get(prefix);
  if (existing === undefined) {
    table.set(prefix, {
      localPref: c.localPref,
      communities: new Set(c.communities),
      largeCommunities: new Set(c.largeCommunities),
    });
    return;
  }
  for (const x of c.communities) existing.communities.add(x);
  for (const x of c.largeCommunities) existing.largeCommunities.add(x);
}

function selects(adv: ResolvedBgpAdvertisement, service: ServiceView, myNode: string): boolean {
  if (service.pool === undefined || !adv.pools.includes(service.pool)) return false;
  if (!adv.nodes.includes(myNode)) return false;
  // serviceSelectors are ORed; none selects every Service (MetalLB).
  return (
    adv.serviceSelectors.length === 0 ||
    adv.serviceSelectors.some((s) => matchesLabelSelector(service.labels, s))
  );
}

/** Local: an endpoint on this node; Cluster: one anywhere (MetalLB's rule; node Ready is never read). */
function hasServingEndpoint(service: ServiceView, myNode: string): boolean {
  return service.endpoints.some(
    (e) => isServing(e) && (service.externalTrafficPolicy === 'Cluster' || e.nodeName === myNode),
  );
}

function byNumbers(a: string, b: string): number {
  const x = a.split(':').map(Number);
  const y = b.split(':').map(Number);
  const i = x.findIndex((part, k) => part !== y[k]);
  return i === -1 ? 0 : (x[i] ?? 0) - (y[i] ?? 0);
}
