/**
 * The speaker's pure core: which IPs this node announces, and why every Service is or is not
 * announced here. MetalLB's layer-2 rule (DESIGN.md "Election"), computed alone by every speaker:
 *
 *   candidates = alive members ∩ nodes without NetworkUnavailable ∩ nodes without the exclude
 *                label ∩ nodes selected by an L2Advertisement matching the Service's pool
 *                (∩ nodes with a serving endpoint when externalTrafficPolicy is Local)
 *
 * Which advertisements apply, which nodes they select, their interfaces and preference weights
 * come from packages/config (selectL2ForService); this file adds membership, node health,
 * endpoints, the ranking and shared IPs.
 *   order      = preference (summed preferredNodeSelectors weights) desc, sha256(node#ip) asc
 *
 * with the Service's first ingress IP as `ip`. Services sharing an IP are announced from one node:
 * the IP follows the first Service (by namespace/name) using it that has an owner.
 */
import { selectL2ForService } from '@baremetal-lb/config';
import { type CandidateInput, electLeader } from '@baremetal-lb/leader';

import { type CanonicalIp, canonicalizeIp } from './canonical-ip.ts';
import {
  type EndpointView,
  EXCLUDE_FROM_LB_LABEL,
  type NodeView,
  type ServiceView,
  type SpeakerState,
} from './speaker-state.ts';

/** Why a Service is or is not announced by this node. */
export const AnnounceReason = {
  announcing: 'announcing',
  notOwner: 'notOwner',
  noIngress: 'noIngress',
  noPool: 'noPool',
  noServingEndpoint: 'noServingEndpoint',
  /** No L2Advertisement covers the Service's pool and the Service on any node. */
  noMatchingAdvertisement: 'noMatchingAdvertisement',
  noCandidate: 'noCandidate',
} as const;
export type AnnounceReason = (typeof AnnounceReason)[keyof typeof AnnounceReason];

/** Interfaces to announce on: every eligible one, or exactly these names. */
export type InterfaceSelection = 'all' | readonly string[];

/** One IP this node announces. */
export type Announcement = {
  readonly ip: string;
  readonly family: 4 | 6;
  readonly interfaces: InterfaceSelection;
  /** `namespace/name` of the Services using the IP, sorted. */
  readonly services: readonly string[];
};

/** The outcome for one Service. */
export type ServiceDecision = {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  /** The node announcing the Service's IPs, when anyone does. */
  readonly owner: string | undefined;
  readonly reason: AnnounceReason;
  /** Interfaces this node would use, from the advertisements naming interfaces. */
  readonly interfaces: InterfaceSelection;
};

export type DesiredAnnouncements = {
  /** IP → announcement, only the IPs `myNode` announces. */
  readonly announcements: ReadonlyMap<string, Announcement>;
  /** Every Service, sorted by namespace/name. */
  readonly services: readonly ServiceDecision[];
};

type Elected = {
  readonly service: ServiceView;
  readonly key: string;
  readonly ips: readonly CanonicalIp[];
  readonly owner: string | undefined;
  readonly reason: AnnounceReason;
  readonly interfaces: InterfaceSelection;
};

/** Picks the owner of an IP among candidates: @baremetal-lb/leader's electLeader, or a Ranker's. */
export type Election = {
  electLeader(candidates: readonly CandidateInput[], ip: string): string | undefined;
};

const uncachedElection: Election = { electLeader };

/**
 * Computes what `myNode` announces from `state`. Pure; same inputs, same answer on every node.
 * Pass a long-lived `Ranker` as `election` so re-elections after a membership change reuse the
 * (node, IP) hashes instead of recomputing them.
 */
export function desiredAnnouncements(
  state: SpeakerState,
  myNode: string,
  election: Election = uncachedElection,
): DesiredAnnouncements {
  const services = [...state.services].sort(compareServices);
  const elected = services.map((service) => electService(state, service, myNode, election));

  // Shared IPs: the first Service (sorted) with an owner decides for the IP.
  const ipOwner = new Map<string, string>();
  for (const e of elected) {
    if (e.owner === undefined) continue;
    for (const { ip } of e.ips) if (!ipOwner.has(ip)) ipOwner.set(ip, e.owner);
  }

  const announcements = new Map<
    string,
    { ip: CanonicalIp; interfaces: InterfaceSelection; services: string[] }
  >();
  const decisions: ServiceDecision[] = [];
  for (const e of elected) {
    const first = e.ips[0];
    const owner = e.owner === undefined || first === undefined ? e.owner : (ipOwner.get(first.ip) ?? e.owner);
    let reason = e.reason;
    if (e.owner !== undefined)
      reason = owner === myNode ? AnnounceReason.announcing : AnnounceReason.notOwner;
    decisions.push({
      namespace: e.service.namespace,
      name: e.service.name,
      ips: e.ips.map((i) => i.ip),
      owner,
      reason,
      interfaces: e.interfaces,
    });
    if (reason !== AnnounceReason.announcing) continue;
    for (const ip of e.ips) {
      if (ipOwner.get(ip.ip) !== myNode) continue;
      const current = announcements.get(ip.ip);
      if (current === undefined) {
        announcements.set(ip.ip, { ip, interfaces: e.interfaces, services: [e.key] });
      } else {
        current.interfaces = unionInterfaces(current.interfaces, e.interfaces);
        current.services.push(e.key);
      }
    }
  }

  const out = new Map<string, Announcement>();
  for (const [ip, a] of announcements) {
    out.set(ip, { ip, family: a.ip.family, interfaces: a.interfaces, services: a.services });
  }
  return { announcements: out, services: decisions };
}

function electService(
  state: SpeakerState,
  service: ServiceView,
  myNode: string,
  election: Election,
): Elected {
  const key = `${service.namespace}/${service.name}`;
  const ips = uniqueIps(service.ingressIPs);
  const base = { service, key, ips, owner: undefined, interfaces: 'all' as InterfaceSelection };
  const first = ips[0];
  if (first === undefined) return { ...base, reason: AnnounceReason.noIngress };
  if (service.pool === undefined) return { ...base, reason: AnnounceReason.noPool };
  if (!service.endpoints.some(isServing)) return { ...base, reason: AnnounceReason.noServingEndpoint };

  const plans = selectL2ForService(state.advertisements, service.pool, service.labels);
  if (plans.size === 0) return { ...base, reason: AnnounceReason.noMatchingAdvertisement };

  const localNodes = service.externalTrafficPolicy === 'Local' ? servingNodes(service.endpoints) : undefined;
  const candidates: CandidateInput[] = [];
  for (const member of state.aliveMembers) {
    const node = state.nodes.get(member);
    const plan = plans.get(member);
    if (node === undefined || plan === undefined || !isEligibleNode(node)) continue;
    if (localNodes !== undefined && !localNodes.has(member)) continue;
    candidates.push({ node: member, preference: plan.preference });
  }
  const interfaces = plans.get(myNode)?.interfaces ?? 'all';
  const owner = election.electLeader(candidates, first.ip);
  if (owner === undefined) return { ...base, interfaces, reason: AnnounceReason.noCandidate };
  return {
    ...base,
    owner,
    interfaces,
    reason: owner === myNode ? AnnounceReason.announcing : AnnounceReason.notOwner,
  };
}

/** Serving = `ready` unset or true, or `serving` true (MetalLB). */
export function isServing(endpoint: EndpointView): boolean {
  return endpoint.ready !== false || endpoint.serving === true;
}

function servingNodes(endpoints: readonly EndpointView[]): Set<string> {
  const nodes = new Set<string>();
  for (const e of endpoints) if (e.nodeName !== undefined && isServing(e)) nodes.add(e.nodeName);
  return nodes;
}

function isEligibleNode(node: NodeView): boolean {
  return !node.networkUnavailable && !Object.hasOwn(node.labels, EXCLUDE_FROM_LB_LABEL);
}

/** Union of interface lists; "all" wins (MetalLB). */
export function unionInterfaces(a: InterfaceSelection, b: InterfaceSelection): InterfaceSelection {
  if (a === 'all' || b === 'all') return 'all';
  return [...new Set([...a, ...b])].sort();
}

function uniqueIps(texts: readonly string[]): CanonicalIp[] {
  const seen = new Set<string>();
  const out: CanonicalIp[] = [];
  for (const text of texts) {
    const c = canonicalizeIp(text);
    if (c === undefined || seen.has(c.ip)) continue;
    seen.add(c.ip);
    out.push(c);
  }
  return out;
}

function compareServices(a: ServiceView, b: ServiceView): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}
