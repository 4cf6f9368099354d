/**
 * UPDATE messages for one peer: the path attributes of a route as that peer must see them, and
 * prefixes that share attributes packed into as few UPDATEs as the message size allows. IPv4
 * unicast goes in the NLRI and Withdrawn Routes fields, IPv6 in MP_REACH_NLRI / MP_UNREACH_NLRI
 * (RFC 4760).
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  Afi,
  AsPathSegmentType,
  bgpMessageEncodedLength,
  type Ipv4Prefix,
  type Ipv6Prefix,
  MessageType,
  Origin,
  type PathAttribute,
  Safi,
  type SessionOptions,
  type UpdateMessage,
} from '@baremetal-lb/bgp-wire';
import { parseIpv4, parseIpv6 } from './parse-prefix.ts';
import type { NormalizedRoute } from './route.ts';

export type PeerContext = {
  /** Internal peer: empty AS_PATH, LOCAL_PREF sent (RFC 4271 section 5.1.2, 5.1.5). */
  readonly ibgp: boolean;
  readonly localAsn: number;
  readonly session: SessionOptions;
  /** Default next hops: the session's local address of that family, or the configured one. */
  readonly nextHopIpv4: number | undefined;
  readonly nextHopIpv6: Uint8Array | undefined;
};

/**
 * The context of an Established session: next hops default to the configured ones, else the
 * session's local address of that family.
 */
export function peerContext(
  options: { readonly nextHopIpv4?: string; readonly nextHopIpv6?: string },
  localAddress: string | undefined,
  session: Pick<PeerContext, 'ibgp' | 'localAsn' | 'session'>,
): PeerContext {
  const local4 = localAddress !== undefined && isIPv4(localAddress) ? localAddress : undefined;
  const local6 = localAddress !== undefined && isIPv6(localAddress) ? localAddress : undefined;
  const v4 = options.nextHopIpv4 ?? local4;
  const v6 = options.nextHopIpv6 ?? local6;
  return {
    ...session,
    nextHopIpv4: v4 === undefined ? undefined : parseIpv4(v4),
    nextHopIpv6: v6 === undefined ? undefined : parseIpv6(v6),
  };
}

/** RFC 4271 section 5.1.5: the value internal peers get when the route sets none. */
export const DEFAULT_LOCAL_PREF = 100;

/** The next hop `route` is announced with, or undefined when the session has none for its family. */
export function nextHopFor(route: NormalizedRoute, ctx: PeerContext): number | Uint8Array | undefined {
  return route.nextHop ?? (route.parsed.family === 4 ? ctx.nextHopIpv4 : ctx.nextHopIpv6);
}

/** Every attribute but the NLRI-carrying MP_REACH_NLRI, in type-code order. */
function commonAttributes(route: NormalizedRoute, ctx: PeerContext): PathAttribute[] {
  const attributes: PathAttribute[] = [{ kind: 'origin', origin: Origin.igp }];
  const segments = ctx.ibgp ? [] : [{ type: AsPathSegmentType.sequence, asns: [ctx.localAsn] }];
  attributes.push({ kind: 'asPath', segments });
  if (route.parsed.family === 4)
    attributes.push({ kind: 'nextHop', nextHop: nextHopFor(route, ctx) as number });
  if (route.med !== undefined) attributes.push({ kind: 'multiExitDisc', med: route.med });
  if (ctx.ibgp) attributes.push({ kind: 'localPref', localPref: route.localPref ?? DEFAULT_LOCAL_PREF });
  if (route.communities.length > 0) attributes.push({ kind: 'communities', communities: route.communities });
  // RFC 6793 section 4.2.2: a 2-octet session carries AS_TRANS in AS_PATH and the real path here.
  if (!ctx.session.fourOctetAs && !ctx.ibgp && ctx.localAsn > 0xffff) {
    attributes.push({ kind: 'as4Path', segments });
  }
  if (route.largeCommunities.length > 0) {
    attributes.push({
      kind: 'largeCommunities',
      communities: route.largeCommunities.map(([globalAdministrator, localData1, localData2]) => ({
        globalAdministrator,
        localData1,
        localData2,
      })),
    });
  }
  return attributes;
}

const prefixBytes = (length: number) => 1 + ((length + 7) >>> 3);

/** Splits `prefixes` into runs whose encoded size stays within `budget` bytes each. */
function chunk<P extends { readonly length: number }>(prefixes: readonly P[], budget: number): P[][] {
  const chunks: P[][] = [];
  let current: P[] = [];
  let used = 0;
  for (const prefix of prefixes) {
    const bytes = prefixBytes(prefix.length);
    if (used + bytes > budget && current.length > 0) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(prefix);
    used += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The UPDATEs announcing `routes`, all of one family and one attributesKey (the first one's attributes). */
export function buildAnnouncements(routes: readonly NormalizedRoute[], ctx: PeerContext): UpdateMessage[] {
  const first = routes[0];
  if (first === undefined) return [];
  const attributes = commonAttributes(first, ctx);
  if (first.parsed.family === 4) {
    const empty: UpdateMessage = { type: MessageType.update, withdrawn: [], attributes, nlri: [] };
    const budget = ctx.session.maxMessageLength - bgpMessageEncodedLength(empty, ctx.session);
    const prefixes = routes.map((r) => r.parsed.prefix as Ipv4Prefix);
    return chunk(prefixes, budget).map((nlri) => ({ ...empty, nlri }));
  }
  const nextHop = nextHopFor(first, ctx) as Uint8Array;
  const reach = (nlri: readonly Ipv6Prefix[]): PathAttribute => ({
    kind: 'mpReachNlri',
    afi: Afi.ipv6,
    safi: Safi.unicast,
    nextHop,
    nlri,
  });
  // MP_REACH_NLRI goes first, as routers put it; one byte spare for its Extended Length.
  const empty: UpdateMessage = {
    type: MessageType.update,
    withdrawn: [],
    attributes: [reach([]), ...attributes],
    nlri: [],
  };
  const budget = ctx.session.maxMessageLength - bgpMessageEncodedLength(empty, ctx.session) - 1;
  const prefixes = routes.map((r) => r.parsed.prefix as Ipv6Prefix);
  return chunk(prefixes, budget).map((nlri) => ({ ...empty, attributes: [reach(nlri), ...attributes] }));
}

/** The UPDATEs withdrawing `prefixes` of one family. */
export function buildWithdrawals(
  family: 4 | 6,
  prefixes: readonly (Ipv4Prefix | Ipv6Prefix)[],
  session: SessionOptions,
): UpdateMessage[] {
  if (prefixes.length === 0) return [];
  if (family === 4) {
    const budget = session.maxMessageLength - 23;
    return chunk(prefixes as Ipv4Prefix[], budget).map((withdrawn) => ({
      type: MessageType.update,
      withdrawn,
      attributes: [],
      nlri: [],
    }));
  }
  // Header 19 + 4 length octets + attribute header 4 (extended length) + AFI/SAFI 3.
  const budget = session.maxMessageLength - 30;
  return chunk(prefixes as Ipv6Prefix[], budget).map((withdrawn) => ({
    type: MessageType.update,
    withdrawn: [],
    attributes: [{ kind: 'mpUnreachNlri', afi: Afi.ipv6, safi: Safi.unicast, withdrawn }],
    nlri: [],
  }));
}
