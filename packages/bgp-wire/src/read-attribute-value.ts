/**
 * Decodes the value of one known path attribute, applying the per-attribute rules of RFC 7606
 * section 7, RFC 6793 section 6 (AS4_*), RFC 8092 section 6 (large communities) and RFC 4760
 * section 7 (MP_*). A malformed value yields a problem instead of an attribute.
 */
import { copyBytes } from './copy-bytes.ts';
import { readIpv4, readIpv6 } from '@baremetal-lb/arp-wire';
import { Afi, Safi } from './address-family.ts';
import { type AttributeProblem, AttributeProblemCode } from './attribute-problem.ts';
import { ErrorAction } from './error-action.ts';
import {
  type AsPathSegment,
  AttributeType,
  type Ipv4MpReach,
  type Ipv6MpReach,
  type LargeCommunity,
  type MpUnreachAttribute,
  type PathAttribute,
} from './path-attribute.ts';
import { type Ipv4Prefix, type Ipv6Prefix, readIpv4Prefixes, readIpv6Prefixes } from './prefix.ts';
import type { SessionOptions } from './session-options.ts';
import { readUint32 } from './uint32.ts';

/** Where the value sits and where its attribute starts (for problem offsets). */
type Span = { readonly type: number; readonly at: number; readonly length: number; readonly start: number };

/** What the value reader returns: the attribute, or the problem that replaces it. */
export type ValueResult = PathAttribute | AttributeProblem;

export function isProblem(result: ValueResult): result is AttributeProblem {
  return 'action' in result;
}

function problem(span: Span, code: AttributeProblem['code'], action: ErrorAction): AttributeProblem {
  return { code, attributeType: span.type, action, offset: span.start };
}

/** AS_PATH / AS4_PATH segments (RFC 4271 section 4.3); undefined when malformed (RFC 7606 section 7.2). */
function readSegments(buf: Uint8Array, at: number, end: number, width: 2 | 4): AsPathSegment[] | undefined {
  const segments: AsPathSegment[] = [];
  while (at < end) {
    if (at + 2 > end) return undefined;
    const type = buf[at]!;
    const count = buf[at + 1]!;
    // A zero-length segment or an unknown segment type is malformed (RFC 7606 section 7.2).
    if (type < 1 || type > 4 || count === 0 || at + 2 + count * width > end) return undefined;
    const asns: number[] = [];
    let p = at + 2;
    for (let i = 0; i < count; i++, p += width)
      asns.push(width === 4 ? readUint32(buf, p) : (buf[p]! << 8) | buf[p + 1]!);
    segments.push({ type: type as AsPathSegment['type'], asns });
    at = p;
  }
  return segments;
}

function isSupportedFamily(afi: number, safi: number): boolean {
  return (afi === Afi.ipv4 || afi === Afi.ipv6) && (safi === Safi.unicast || safi === Safi.multicast);
}

/** Reads prefixes of `afi` from `buf[at, end)`; undefined when the field is syntactically wrong. */
function readPrefixes(
  buf: Uint8Array,
  afi: number,
  at: number,
  end: number,
): Ipv4Prefix[] | Ipv6Prefix[] | undefined {
  if (afi === Afi.ipv4) {
    const out: Ipv4Prefix[] = [];
    return readIpv4Prefixes(buf, at, end, out) === -1 ? out : undefined;
  }
  const out: Ipv6Prefix[] = [];
  return readIpv6Prefixes(buf, at, end, out) === -1 ? out : undefined;
}

/** MP_REACH_NLRI (RFC 4760 section 3); undefined for families this package keeps raw. */
function readMpReach(buf: Uint8Array, span: Span): ValueResult | undefined {
  const { at, length } = span;
  // The NLRI can only be located through the next hop length: any doubt resets (RFC 7606 section 7.11).
  const malformed = problem(span, AttributeProblemCode.mpMalformed, ErrorAction.sessionReset);
  if (length < 5) return malformed;
  const afi = (buf[at]! << 8) | buf[at + 1]!;
  const safi = buf[at + 2]!;
  const nextHopLength = buf[at + 3]!;
  if (!isSupportedFamily(afi, safi)) return undefined;
  if (5 + nextHopLength > length) return malformed;
  // An IPv4 family with a 16- or 32-byte next hop is RFC 8950's extended next hop: kept raw.
  if (afi === Afi.ipv4 && nextHopLength !== 4) return undefined;
  if (afi === Afi.ipv6 && nextHopLength !== 16 && nextHopLength !== 32) return malformed;
  // The reserved octet after the next hop (formerly the SNPA count) is ignored (RFC 4760 section 3).
  const nlriAt = at + 4 + nextHopLength + 1;
  const nlri = readPrefixes(buf, afi, nlriAt, at + length);
  if (nlri === undefined) return malformed;
  if (afi === Afi.ipv4) {
    return { kind: 'mpReachNlri', afi, safi, nextHop: readIpv4(buf, at + 4), nlri } as Ipv4MpReach;
  }
  const nextHop = readIpv6(buf, at + 4);
  if (nextHopLength === 16) return { kind: 'mpReachNlri', afi, safi, nextHop, nlri } as Ipv6MpReach;
  return {
    kind: 'mpReachNlri',
    afi,
    safi,
    nextHop,
    linkLocalNextHop: readIpv6(buf, at + 20),
    nlri,
  } as Ipv6MpReach;
}

/** MP_UNREACH_NLRI (RFC 4760 section 4); undefined for families this package keeps raw. */
function readMpUnreach(buf: Uint8Array, span: Span): ValueResult | undefined {
  const { at, length } = span;
  const malformed = problem(span, AttributeProblemCode.mpMalformed, ErrorAction.sessionReset);
  if (length < 3) return malformed;
  const afi = (buf[at]! << 8) | buf[at + 1]!;
  const safi = buf[at + 2]!;
  if (!isSupportedFamily(afi, safi)) return undefined;
  const withdrawn = readPrefixes(buf, afi, at + 3, at + length);
  if (withdrawn === undefined) return malformed;
  return { kind: 'mpUnreachNlri', afi, safi, withdrawn } as MpUnreachAttribute;
}

/**
 * The decoded value of known attribute `span.type`, a problem, or undefined when the attribute is
 * one this package keeps raw (unknown type, or an MP attribute of another family).
 */
export function readAttributeValue(
  buf: Uint8Array,
  span: Span,
  session: SessionOptions,
): ValueResult | undefined {
  const { at, length } = span;
  const withdraw = (code: AttributeProblem['code']) => problem(span, code, ErrorAction.treatAsWithdraw);
  const discard = (code: AttributeProblem['code']) => problem(span, code, ErrorAction.attributeDiscard);
  switch (span.type) {
    case AttributeType.origin: {
      if (length !== 1) return withdraw(AttributeProblemCode.length);
      const origin = buf[at]!;
      if (origin > 2) return withdraw(AttributeProblemCode.value);
      return { kind: 'origin', origin: origin as 0 | 1 | 2 };
    }
    case AttributeType.asPath: {
      const segments = readSegments(buf, at, at + length, session.fourOctetAs ? 4 : 2);
      return segments === undefined ? withdraw(AttributeProblemCode.value) : { kind: 'asPath', segments };
    }
    case AttributeType.nextHop:
      return length === 4
        ? { kind: 'nextHop', nextHop: readIpv4(buf, at) }
        : withdraw(AttributeProblemCode.length);
    case AttributeType.multiExitDisc:
      return length === 4
        ? { kind: 'multiExitDisc', med: readUint32(buf, at) }
        : withdraw(AttributeProblemCode.length);
    case AttributeType.localPref:
      return length === 4
        ? { kind: 'localPref', localPref: readUint32(buf, at) }
        : withdraw(AttributeProblemCode.length);
    case AttributeType.atomicAggregate:
      return length === 0 ? { kind: 'atomicAggregate' } : discard(AttributeProblemCode.length);
    case AttributeType.aggregator:
      if (session.fourOctetAs) {
        if (length !== 8) return discard(AttributeProblemCode.length);
        return { kind: 'aggregator', asn: readUint32(buf, at), address: readIpv4(buf, at + 4) };
      }
      if (length !== 6) return discard(AttributeProblemCode.length);
      return { kind: 'aggregator', asn: (buf[at]! << 8) | buf[at + 1]!, address: readIpv4(buf, at + 2) };
    case AttributeType.communities: {
      if (length === 0 || length % 4 !== 0) return withdraw(AttributeProblemCode.length);
      const communities: number[] = [];
      for (let p = at; p < at + length; p += 4) communities.push(readUint32(buf, p));
      return { kind: 'communities', communities };
    }
    case AttributeType.mpReachNlri:
      return readMpReach(buf, span);
    case AttributeType.mpUnreachNlri:
      return readMpUnreach(buf, span);
    case AttributeType.extendedCommunities:
      if (length === 0 || length % 8 !== 0) return withdraw(AttributeProblemCode.length);
      return { kind: 'extendedCommunities', value: copyBytes(buf, at, at + length) };
    case AttributeType.as4Path: {
      // RFC 6793 section 6: a malformed AS4_PATH is discarded, the UPDATE is processed.
      const segments = readSegments(buf, at, at + length, 4);
      return segments === undefined ? discard(AttributeProblemCode.value) : { kind: 'as4Path', segments };
    }
    case AttributeType.as4Aggregator:
      if (length !== 8) return discard(AttributeProblemCode.length);
      return { kind: 'as4Aggregator', asn: readUint32(buf, at), address: readIpv4(buf, at + 4) };
    case AttributeType.largeCommunities: {
      if (length === 0 || length % 12 !== 0) return withdraw(AttributeProblemCode.length);
      const communities: LargeCommunity[] = [];
      for (let p = at; p < at + length; p += 12) {
        communities.push({
          globalAdministrator: readUint32(buf, p),
          localData1: readUint32(buf, p + 4),
          localData2: readUint32(buf, p + 8),
        });
      }
      return { kind: 'largeCommunities', communities };
    }
    default:
      return undefined;
  }
}
