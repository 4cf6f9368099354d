/**
 * Decodes the value of one known path attribute, applying the per-attribute rules of RFC 7606
 * section 7, RFC 6793 section 6 (AS4_*), RFC 8092 section 6 (large communities) and RFC 4760
 * section 7 (MP_*). A malformed value yields a problem instead of an attribute.
 */

import { readIpv4, readIpv6 } from '@baremetal-lb/arp-wire';
import { Afi, Safi } from './address-family.ts';
import { type AttributeProblem, AttributeProblemCode } from './attribute-problem.ts';
import { copyBytes } from './copy-bytes.ts';
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

/** Where the value sits (`at`, `length`) and where its attribute starts (`start`, for problem offsets). */
export type Span = {
  readonly type: number;
  readonly at: number;
  readonly length: number;
  readonly start: number;
};

/**
 * What a value reader returns: the attribute; `undefined` when it was malformed (the problem is
 * in `problems`); `null` when this package keeps it raw. Not a union with the problem itself:
 * telling the two apart would need a property read on objects of many shapes, which is slow.
 */
export type ValueResult = PathAttribute | undefined | null;

/** The problems of the UPDATE being decoded (set by readAttributeValue for its helpers). */
let problems: AttributeProblem[] = [];

function problem(span: Span, code: AttributeProblem['code'], action: ErrorAction): undefined {
  problems.push({ code, attributeType: span.type, action, offset: span.start });
  return undefined;
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

/** The NLRI can only be located through the next hop length: any doubt resets (RFC 7606 section 7.11). */
function mpMalformed(span: Span): undefined {
  return problem(span, AttributeProblemCode.mpMalformed, ErrorAction.sessionReset);
}

function withdraw(span: Span, code: AttributeProblem['code']): undefined {
  return problem(span, code, ErrorAction.treatAsWithdraw);
}

function discard(span: Span, code: AttributeProblem['code']): undefined {
  return problem(span, code, ErrorAction.attributeDiscard);
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
function readMpReach(buf: Uint8Array, span: Span): ValueResult {
  const { at, length } = span;
  if (length < 5) return mpMalformed(span);
  const afi = (buf[at]! << 8) | buf[at + 1]!;
  const safi = buf[at + 2]!;
  const nextHopLength = buf[at + 3]!;
  if (!isSupportedFamily(afi, safi)) return null;
  if (5 + nextHopLength > length) return mpMalformed(span);
  // An IPv4 family with a 16- or 32-byte next hop is RFC 8950's extended next hop: kept raw.
  if (afi === Afi.ipv4 && nextHopLength !== 4) return null;
  if (afi === Afi.ipv6 && nextHopLength !== 16 && nextHopLength !== 32) return mpMalformed(span);
  // The reserved octet after the next hop (formerly the SNPA count) is ignored (RFC 4760 section 3).
  const nlriAt = at + 4 + nextHopLength + 1;
  const nlri = readPrefixes(buf, afi, nlriAt, at + length);
  if (nlri === undefined) return mpMalformed(span);
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
function readMpUnreach(buf: Uint8Array, span: Span): ValueResult {
  const { at, length } = span;
  if (length < 3) return mpMalformed(span);
  const afi = (buf[at]! << 8) | buf[at + 1]!;
  const safi = buf[at + 2]!;
  if (!isSupportedFamily(afi, safi)) return null;
  const withdrawn = readPrefixes(buf, afi, at + 3, at + length);
  if (withdrawn === undefined) return mpMalformed(span);
  return { kind: 'mpUnreachNlri', afi, safi, withdrawn } as MpUnreachAttribute;
}

/**
 * The decoded value of attribute `span.type` (see ValueResult); a problem goes to `found`. Unknown
 * types and MP attributes of other families give null: kept raw.
 */
export function readAttributeValue(
  buf: Uint8Array,
  span: Span,
  session: SessionOptions,
  found: AttributeProblem[],
): ValueResult {
  problems = found;
  const { at, length } = span;
  switch (span.type) {
    case AttributeType.origin: {
      if (length !== 1) return withdraw(span, AttributeProblemCode.length);
      const origin = buf[at]!;
      if (origin > 2) return withdraw(span, AttributeProblemCode.value);
      return { kind: 'origin', origin: origin as 0 | 1 | 2 };
    }
    case AttributeType.asPath: {
      const segments = readSegments(buf, at, at + length, session.fourOctetAs ? 4 : 2);
      return segments === undefined
        ? withdraw(span, AttributeProblemCode.value)
        : { kind: 'asPath', segments };
    }
    case AttributeType.nextHop:
      return length === 4
        ? { kind: 'nextHop', nextHop: readIpv4(buf, at) }
        : withdraw(span, AttributeProblemCode.length);
    case AttributeType.multiExitDisc:
      return length === 4
        ? { kind: 'multiExitDisc', med: readUint32(buf, at) }
        : withdraw(span, AttributeProblemCode.length);
    case AttributeType.localPref:
      return length === 4
        ? { kind: 'localPref', localPref: readUint32(buf, at) }
        : withdraw(span, AttributeProblemCode.length);
    case AttributeType.atomicAggregate:
      return length === 0 ? { kind: 'atomicAggregate' } : discard(span, AttributeProblemCode.length);
    case AttributeType.aggregator:
      if (session.fourOctetAs) {
        if (length !== 8) return discard(span, AttributeProblemCode.length);
        return { kind: 'aggregator', asn: readUint32(buf, at), address: readIpv4(buf, at + 4) };
      }
      if (length !== 6) return discard(span, AttributeProblemCode.length);
      return { kind: 'aggregator', asn: (buf[at]! << 8) | buf[at + 1]!, address: readIpv4(buf, at + 2) };
    case AttributeType.communities: {
      if (length === 0 || length % 4 !== 0) return withdraw(span, AttributeProblemCode.length);
      const communities: number[] = [];
      for (let p = at; p < at + length; p += 4) communities.push(readUint32(buf, p));
      return { kind: 'communities', communities };
    }
    case AttributeType.mpReachNlri:
      return readMpReach(buf, span);
    case AttributeType.mpUnreachNlri:
      return readMpUnreach(buf, span);
    case AttributeType.extendedCommunities:
      if (length === 0 || length % 8 !== 0) return withdraw(span, AttributeProblemCode.length);
      return { kind: 'extendedCommunities', value: copyBytes(buf, at, at + length) };
    case AttributeType.as4Path: {
      // RFC 6793 section 6: a malformed AS4_PATH is discarded, the UPDATE is processed.
      const segments = readSegments(buf, at, at + length, 4);
      return segments === undefined
        ? discard(span, AttributeProblemCode.value)
        : { kind: 'as4Path', segments };
    }
    case AttributeType.as4Aggregator:
      if (length !== 8) return discard(span, AttributeProblemCode.length);
      return { kind: 'as4Aggregator', asn: readUint32(buf, at), address: readIpv4(buf, at + 4) };
    case AttributeType.largeCommunities: {
      if (length === 0 || length % 12 !== 0) return withdraw(span, AttributeProblemCode.length);
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
      return null;
  }
}
