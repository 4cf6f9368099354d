/**
 * A route to announce: a prefix and the path attributes it carries. The session fills in ORIGIN
 * (IGP), AS_PATH (empty to internal peers, our AS to external ones) and the next hop.
 */
import { BgpError, BgpErrorCode } from './bgp-error.ts';
import { type ParsedPrefix, parseIpv4, parseIpv6, parsePrefix } from './parse-prefix.ts';

export type Route = {
  /** "198.51.100.7/32", "2001:db8::7/128"; a bare address is a host route. */
  readonly prefix: string;
  /** LOCAL_PREF, sent to internal peers only (RFC 4271 section 5.1.5); default 100 there. */
  readonly localPref?: number;
  /** RFC 1997 communities: "65000:100" or a 32-bit number. */
  readonly communities?: readonly (string | number)[];
  /** RFC 8092 large communities: "4200000000:1:2". */
  readonly largeCommunities?: readonly string[];
  /** MULTI_EXIT_DISC. */
  readonly med?: number;
  /** Next hop of the prefix's family; default the session's local address (or the peer's nextHop option). */
  readonly nextHop?: string;
};

/** A validated route: canonical prefix key, values parsed, and a key that equal attribute sets share. */
export type NormalizedRoute = {
  readonly parsed: ParsedPrefix;
  readonly localPref: number | undefined;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly (readonly [number, number, number])[];
  readonly med: number | undefined;
  readonly nextHop: number | Uint8Array | undefined;
  /** Routes of one family with equal attributesKey can share an UPDATE. */
  readonly attributesKey: string;
};

const bad = (route: Route, why: string) =>
  new BgpError(BgpErrorCode.invalidRoute, `route ${route.prefix}: ${why}`);
const isUint = (value: number, max: number) => Number.isInteger(value) && value >= 0 && value <= max;

function parseCommunity(route: Route, value: string | number): number {
  if (typeof value === 'number') {
    if (!isUint(value, 0xffffffff)) throw bad(route, `community ${value} is not a 32-bit number`);
    return value;
  }
  const match = /^(\d+):(\d+)$/.exec(value);
  const [asn, local] = [Number(match?.[1]), Number(match?.[2])];
  if (match === null || !isUint(asn, 0xffff) || !isUint(local, 0xffff))
    throw bad(route, `community "${value}" is not A:B (16-bit each)`);
  return asn * 0x10000 + local;
}

function parseLargeCommunity(route: Route, value: string): readonly [number, number, number] {
  const parts = value.split(':').map(Number);
  if (parts.length !== 3 || !parts.every((p) => isUint(p, 0xffffffff)) || !/^\d+:\d+:\d+$/.test(value)) {
    throw bad(route, `large community "${value}" is not G:L1:L2 (32-bit each)`);
  }
  return [parts[0]!, parts[1]!, parts[2]!];
}

export function normalizeRoute(route: Route): NormalizedRoute {
  const parsed = parsePrefix(route.prefix);
  if (route.localPref !== undefined && !isUint(route.localPref, 0xffffffff))
    throw bad(route, 'localPref is not a 32-bit number');
  if (route.med !== undefined && !isUint(route.med, 0xffffffff))
    throw bad(route, 'med is not a 32-bit number');
  const communities = [...new Set((route.communities ?? []).map((c) => parseCommunity(route, c)))].sort(
    (a, b) => a - b,
  );
  const large = [...new Set(route.largeCommunities ?? [])].sort().map((c) => parseLargeCommunity(route, c));
  let nextHop: number | Uint8Array | undefined;
  if (route.nextHop !== undefined) {
    try {
      nextHop = parsed.family === 4 ? parseIpv4(route.nextHop) : parseIpv6(route.nextHop);
    } catch {
      throw bad(route, `next hop "${route.nextHop}" is not an IPv${parsed.family} address`);
    }
  }
  const attributesKey = JSON.stringify([route.localPref, communities, large, route.med, route.nextHop]);
  return {
    parsed,
    localPref: route.localPref,
    communities,
    largeCommunities: large,
    med: route.med,
    nextHop,
    attributesKey,
  };
}
