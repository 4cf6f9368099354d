/**
 * Encodes path attributes (RFC 4271 section 4.3). The Extended Length bit is set when the value
 * needs it or the attribute asks for it; AS numbers that do not fit a 2-octet session are written
 * as AS_TRANS (RFC 6793 section 4.2.2; the caller adds AS4_PATH/AS4_AGGREGATOR).
 *
 * Speed: attribute objects come in many shapes, so a property read that sees all of them is a
 * slow megamorphic lookup (about 10 ns). Each attribute's `kind` is read once per pass; every
 * other read happens inside its `case`, where the read site sees one shape.
 */
import { writeIpv4, writeIpv6 } from '@baremetal-lb/arp-wire';
import { Afi } from './address-family.ts';
import { AS_TRANS } from './open-message.ts';
import {
  type AsPathSegment,
  AttributeFlag,
  AttributeType,
  type MpReachAttribute,
  type MpUnreachAttribute,
  type PathAttribute,
} from './path-attribute.ts';
import { prefixesEncodedLength, writeIpv4Prefixes, writeIpv6Prefixes } from './prefix.ts';
import type { SessionOptions } from './session-options.ts';
import { writeUint32 } from './uint32.ts';

/** RFC 4271 section 4.3: a segment holds at most 255 ASNs; longer runs are split. */
const MAX_SEGMENT_ASNS = 255;

function segmentsLength(segments: readonly AsPathSegment[], width: number): number {
  let length = 0;
  for (let i = 0; i < segments.length; i++) {
    const count = segments[i]!.asns.length;
    const pieces = count === 0 ? 1 : Math.ceil(count / MAX_SEGMENT_ASNS);
    length += 2 * pieces + width * count;
  }
  return length;
}

function writeSegments(
  buf: Uint8Array,
  at: number,
  segments: readonly AsPathSegment[],
  width: number,
): number {
  for (let s = 0; s < segments.length; s++) {
    const { type, asns } = segments[s]!;
    let i = 0;
    do {
      const count = Math.min(asns.length - i, MAX_SEGMENT_ASNS);
      buf[at++] = type;
      buf[at++] = count;
      for (const stop = i + count; i < stop; i++) {
        const asn = asns[i]!;
        if (width === 4) {
          // Byte writes inline, not a call: a call would box ASNs over 2^31 (V8 heap numbers).
          buf[at] = asn >>> 24;
          buf[at + 1] = (asn >>> 16) & 0xff;
          buf[at + 2] = (asn >>> 8) & 0xff;
          buf[at + 3] = asn & 0xff;
          at += 4;
        } else {
          const two = asn > 0xffff ? AS_TRANS : asn;
          buf[at++] = two >>> 8;
          buf[at++] = two & 0xff;
        }
      }
    } while (i < asns.length);
  }
  return at;
}

/** Header length (3, or 4 with Extended Length) plus value length. */
function encodedLength(valueLength: number, extendedLength: true | undefined): number {
  return (valueLength > 255 || extendedLength ? 4 : 3) + valueLength;
}

/** Encoded length of one attribute, header included. */
function attributeEncodedLength(attribute: PathAttribute, width: number): number {
  switch (attribute.kind) {
    case 'origin':
      return encodedLength(1, attribute.extendedLength);
    case 'asPath':
      return encodedLength(segmentsLength(attribute.segments, width), attribute.extendedLength);
    case 'as4Path':
      return encodedLength(segmentsLength(attribute.segments, 4), attribute.extendedLength);
    case 'nextHop':
    case 'multiExitDisc':
    case 'localPref':
      return encodedLength(4, attribute.extendedLength);
    case 'atomicAggregate':
      return encodedLength(0, attribute.extendedLength);
    case 'aggregator':
      return encodedLength(width + 4, attribute.extendedLength);
    case 'as4Aggregator':
      return encodedLength(8, attribute.extendedLength);
    case 'communities':
      return encodedLength(4 * attribute.communities.length, attribute.extendedLength);
    case 'largeCommunities':
      return encodedLength(12 * attribute.communities.length, attribute.extendedLength);
    case 'mpReachNlri':
    case 'mpUnreachNlri':
      return encodedLength(mpValueLength(attribute), attribute.extendedLength);
    case 'extendedCommunities':
      return encodedLength(attribute.value.length, attribute.extendedLength);
    case 'unknown':
      return encodedLength(
        attribute.value.length,
        attribute.flags & AttributeFlag.extendedLength ? true : undefined,
      );
  }
}

function mpValueLength(attribute: MpReachAttribute | MpUnreachAttribute): number {
  if (attribute.kind === 'mpReachNlri') {
    // AFI, SAFI, next-hop length, next hop (4, 16 or 32), reserved octet, NLRI (RFC 4760 section 3).
    const nextHopLength = attribute.afi === Afi.ipv4 ? 4 : attribute.linkLocalNextHop ? 32 : 16;
    return 5 + nextHopLength + prefixesEncodedLength(attribute.nlri);
  }
  // AFI, SAFI, withdrawn routes (RFC 4760 section 4).
  return 3 + prefixesEncodedLength(attribute.withdrawn);
}

/** Total encoded length of `attributes`, headers included. */
export function pathAttributesEncodedLength(
  attributes: readonly PathAttribute[],
  session: SessionOptions,
): number {
  const width = session.fourOctetAs ? 4 : 2;
  let total = 0;
  for (let i = 0; i < attributes.length; i++) total += attributeEncodedLength(attributes[i]!, width);
  return total;
}

/**
 * Writes flags, type and length at `at` and returns where the value goes. `flags` holds the
 * Optional/Transitive/Partial bits; Extended Length is added when needed or asked for.
 */
function writeHeader(
  buf: Uint8Array,
  at: number,
  flags: number,
  type: number,
  valueLength: number,
  extendedLength: true | undefined,
): number {
  buf[at + 1] = type;
  if (valueLength > 255 || extendedLength) {
    buf[at] = flags | AttributeFlag.extendedLength;
    buf[at + 2] = valueLength >>> 8;
    buf[at + 3] = valueLength & 0xff;
    return at + 4;
  }
  buf[at] = flags;
  buf[at + 2] = valueLength;
  return at + 3;
}

const WELL_KNOWN = AttributeFlag.transitive;
const OPTIONAL = AttributeFlag.optional;
const OPTIONAL_TRANSITIVE = AttributeFlag.optional | AttributeFlag.transitive;

/** The Optional/Transitive bits plus Partial when set. */
function transitive(partial: true | undefined): number {
  return partial ? OPTIONAL_TRANSITIVE | AttributeFlag.partial : OPTIONAL_TRANSITIVE;
}

/** Writes `attributes` at `at` (room checked by the caller); returns the offset after them. */
export function writePathAttributes(
  buf: Uint8Array,
  at: number,
  attributes: readonly PathAttribute[],
  session: SessionOptions,
): number {
  const width = session.fourOctetAs ? 4 : 2;
  for (let i = 0; i < attributes.length; i++) at = writeAttribute(buf, at, attributes[i]!, width);
  return at;
}

function writeAttribute(buf: Uint8Array, at: number, attribute: PathAttribute, width: number): number {
  switch (attribute.kind) {
    case 'origin':
      at = writeHeader(buf, at, WELL_KNOWN, AttributeType.origin, 1, attribute.extendedLength);
      buf[at] = attribute.origin;
      return at + 1;
    case 'asPath': {
      const length = segmentsLength(attribute.segments, width);
      at = writeHeader(buf, at, WELL_KNOWN, AttributeType.asPath, length, attribute.extendedLength);
      return writeSegments(buf, at, attribute.segments, width);
    }
    case 'as4Path': {
      const flags = transitive(attribute.partial);
      const length = segmentsLength(attribute.segments, 4);
      at = writeHeader(buf, at, flags, AttributeType.as4Path, length, attribute.extendedLength);
      return writeSegments(buf, at, attribute.segments, 4);
    }
    case 'nextHop':
      at = writeHeader(buf, at, WELL_KNOWN, AttributeType.nextHop, 4, attribute.extendedLength);
      writeIpv4(buf, at, attribute.nextHop);
      return at + 4;
    case 'multiExitDisc':
      at = writeHeader(buf, at, OPTIONAL, AttributeType.multiExitDisc, 4, attribute.extendedLength);
      writeUint32(buf, at, attribute.med);
      return at + 4;
    case 'localPref':
      at = writeHeader(buf, at, WELL_KNOWN, AttributeType.localPref, 4, attribute.extendedLength);
      writeUint32(buf, at, attribute.localPref);
      return at + 4;
    case 'atomicAggregate':
      return writeHeader(buf, at, WELL_KNOWN, AttributeType.atomicAggregate, 0, attribute.extendedLength);
    case 'aggregator': {
      const flags = transitive(attribute.partial);
      at = writeHeader(buf, at, flags, AttributeType.aggregator, width + 4, attribute.extendedLength);
      if (width === 4) {
        writeUint32(buf, at, attribute.asn);
      } else {
        const two = attribute.asn > 0xffff ? AS_TRANS : attribute.asn;
        buf[at] = two >>> 8;
        buf[at + 1] = two & 0xff;
      }
      writeIpv4(buf, at + width, attribute.address);
      return at + width + 4;
    }
    case 'as4Aggregator':
      at = writeHeader(
        buf,
        at,
        transitive(attribute.partial),
        AttributeType.as4Aggregator,
        8,
        attribute.extendedLength,
      );
      writeUint32(buf, at, attribute.asn);
      writeIpv4(buf, at + 4, attribute.address);
      return at + 8;
    case 'communities': {
      const { communities } = attribute;
      const flags = transitive(attribute.partial);
      at = writeHeader(
        buf,
        at,
        flags,
        AttributeType.communities,
        4 * communities.length,
        attribute.extendedLength,
      );
      for (let i = 0; i < communities.length; i++, at += 4) writeUint32(buf, at, communities[i]!);
      return at;
    }
    case 'largeCommunities': {
      const { communities } = attribute;
      const flags = transitive(attribute.partial);
      const length = 12 * communities.length;
      at = writeHeader(buf, at, flags, AttributeType.largeCommunities, length, attribute.extendedLength);
      for (let i = 0; i < communities.length; i++, at += 12) {
        // Inline, like writeSegments: values over 2^31 passed to a call would be boxed.
        const { globalAdministrator: g, localData1: l1, localData2: l2 } = communities[i]!;
        buf[at] = g >>> 24;
        buf[at + 1] = (g >>> 16) & 0xff;
        buf[at + 2] = (g >>> 8) & 0xff;
        buf[at + 3] = g & 0xff;
        buf[at + 4] = l1 >>> 24;
        buf[at + 5] = (l1 >>> 16) & 0xff;
        buf[at + 6] = (l1 >>> 8) & 0xff;
        buf[at + 7] = l1 & 0xff;
        buf[at + 8] = l2 >>> 24;
        buf[at + 9] = (l2 >>> 16) & 0xff;
        buf[at + 10] = (l2 >>> 8) & 0xff;
        buf[at + 11] = l2 & 0xff;
      }
      return at;
    }
    case 'mpReachNlri':
      at = writeHeader(
        buf,
        at,
        OPTIONAL,
        AttributeType.mpReachNlri,
        mpValueLength(attribute),
        attribute.extendedLength,
      );
      buf[at] = 0;
      buf[at + 1] = attribute.afi;
      buf[at + 2] = attribute.safi;
      if (attribute.afi === Afi.ipv4) {
        buf[at + 3] = 4;
        writeIpv4(buf, at + 4, attribute.nextHop);
        buf[at + 8] = 0;
        return writeIpv4Prefixes(buf, at + 9, attribute.nlri);
      }
      buf[at + 3] = attribute.linkLocalNextHop ? 32 : 16;
      writeIpv6(buf, at + 4, attribute.nextHop);
      at += 20;
      if (attribute.linkLocalNextHop) {
        writeIpv6(buf, at, attribute.linkLocalNextHop);
        at += 16;
      }
      // The reserved octet (RFC 4760 section 3).
      buf[at] = 0;
      return writeIpv6Prefixes(buf, at + 1, attribute.nlri);
    case 'mpUnreachNlri':
      at = writeHeader(
        buf,
        at,
        OPTIONAL,
        AttributeType.mpUnreachNlri,
        mpValueLength(attribute),
        attribute.extendedLength,
      );
      buf[at] = 0;
      buf[at + 1] = attribute.afi;
      buf[at + 2] = attribute.safi;
      return attribute.afi === Afi.ipv4
        ? writeIpv4Prefixes(buf, at + 3, attribute.withdrawn)
        : writeIpv6Prefixes(buf, at + 3, attribute.withdrawn);
    case 'extendedCommunities':
      at = writeHeader(
        buf,
        at,
        transitive(attribute.partial),
        AttributeType.extendedCommunities,
        attribute.value.length,
        attribute.extendedLength,
      );
      buf.set(attribute.value, at);
      return at + attribute.value.length;
    case 'unknown': {
      const { flags, value } = attribute;
      const extended = flags & AttributeFlag.extendedLength ? true : undefined;
      at = writeHeader(buf, at, flags & 0xe0, attribute.type, value.length, extended);
      buf.set(value, at);
      return at + value.length;
    }
  }
}
