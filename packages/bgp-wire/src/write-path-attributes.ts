/**
 * Encodes path attributes (RFC 4271 section 4.3). The Extended Length bit is set when the value
 * needs it or the attribute asks for it; AS numbers that do not fit a 2-octet session are written
 * as AS_TRANS (RFC 6793 section 4.2.2; the caller adds AS4_PATH/AS4_AGGREGATOR).
 */
import { writeIpv4, writeIpv6 } from '@baremetal-lb/arp-wire';
import { Afi } from './address-family.ts';
import { AS_TRANS } from './open-message.ts';
import {
  type AsPathSegment,
  AttributeFlag,
  EXPECTED_FLAGS,
  type PathAttribute,
  TYPE_OF,
} from './path-attribute.ts';
import {
  ipv4PrefixesEncodedLength,
  ipv6PrefixesEncodedLength,
  writeIpv4Prefixes,
  writeIpv6Prefixes,
} from './prefix.ts';
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
          writeUint32(buf, at, asn);
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

/** Length of the attribute's value (without flags, type and length). */
export function attributeValueLength(attribute: PathAttribute, session: SessionOptions): number {
  switch (attribute.kind) {
    case 'origin':
      return 1;
    case 'asPath':
      return segmentsLength(attribute.segments, session.fourOctetAs ? 4 : 2);
    case 'as4Path':
      return segmentsLength(attribute.segments, 4);
    case 'nextHop':
    case 'multiExitDisc':
    case 'localPref':
      return 4;
    case 'atomicAggregate':
      return 0;
    case 'aggregator':
      return session.fourOctetAs ? 8 : 6;
    case 'as4Aggregator':
      return 8;
    case 'communities':
      return 4 * attribute.communities.length;
    case 'largeCommunities':
      return 12 * attribute.communities.length;
    case 'mpReachNlri':
      if (attribute.afi === Afi.ipv4) return 9 + ipv4PrefixesEncodedLength(attribute.nlri);
      return 5 + (attribute.linkLocalNextHop ? 32 : 16) + ipv6PrefixesEncodedLength(attribute.nlri);
    case 'mpUnreachNlri':
      return (
        3 +
        (attribute.afi === Afi.ipv4
          ? ipv4PrefixesEncodedLength(attribute.withdrawn)
          : ipv6PrefixesEncodedLength(attribute.withdrawn))
      );
    case 'extendedCommunities':
    case 'unknown':
      return attribute.value.length;
  }
}

function wantsExtendedLength(attribute: PathAttribute, valueLength: number): boolean {
  if (valueLength > 255) return true;
  if (attribute.kind === 'unknown') return (attribute.flags & AttributeFlag.extendedLength) !== 0;
  return attribute.extendedLength === true;
}

/** Total encoded length of `attributes`, headers included. */
export function pathAttributesEncodedLength(
  attributes: readonly PathAttribute[],
  session: SessionOptions,
): number {
  let total = 0;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const length = attributeValueLength(attribute, session);
    total += (wantsExtendedLength(attribute, length) ? 4 : 3) + length;
  }
  return total;
}

function flagsOf(attribute: PathAttribute, extended: boolean): number {
  const base =
    attribute.kind === 'unknown'
      ? attribute.flags & (AttributeFlag.optional | AttributeFlag.transitive | AttributeFlag.partial)
      : EXPECTED_FLAGS[attribute.kind] |
        ('partial' in attribute && attribute.partial ? AttributeFlag.partial : 0);
  return base | (extended ? AttributeFlag.extendedLength : 0);
}

/** Writes `attributes` at `at` (room checked by the caller); returns the offset after them. */
export function writePathAttributes(
  buf: Uint8Array,
  at: number,
  attributes: readonly PathAttribute[],
  session: SessionOptions,
): number {
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const length = attributeValueLength(attribute, session);
    const extended = wantsExtendedLength(attribute, length);
    buf[at] = flagsOf(attribute, extended);
    buf[at + 1] = attribute.kind === 'unknown' ? attribute.type : TYPE_OF[attribute.kind];
    if (extended) {
      buf[at + 2] = length >>> 8;
      buf[at + 3] = length & 0xff;
      at += 4;
    } else {
      buf[at + 2] = length;
      at += 3;
    }
    at = writeAttributeValue(buf, at, attribute, session);
  }
  return at;
}

function writeAttributeValue(
  buf: Uint8Array,
  at: number,
  attribute: PathAttribute,
  session: SessionOptions,
): number {
  switch (attribute.kind) {
    case 'origin':
      buf[at] = attribute.origin;
      return at + 1;
    case 'asPath':
      return writeSegments(buf, at, attribute.segments, session.fourOctetAs ? 4 : 2);
    case 'as4Path':
      return writeSegments(buf, at, attribute.segments, 4);
    case 'nextHop':
      writeIpv4(buf, at, attribute.nextHop);
      return at + 4;
    case 'multiExitDisc':
      writeUint32(buf, at, attribute.med);
      return at + 4;
    case 'localPref':
      writeUint32(buf, at, attribute.localPref);
      return at + 4;
    case 'atomicAggregate':
      return at;
    case 'aggregator':
      if (session.fourOctetAs) {
        writeUint32(buf, at, attribute.asn);
        at += 4;
      } else {
        const two = attribute.asn > 0xffff ? AS_TRANS : attribute.asn;
        buf[at++] = two >>> 8;
        buf[at++] = two & 0xff;
      }
      writeIpv4(buf, at, attribute.address);
      return at + 4;
    case 'as4Aggregator':
      writeUint32(buf, at, attribute.asn);
      writeIpv4(buf, at + 4, attribute.address);
      return at + 8;
    case 'communities':
      for (let i = 0; i < attribute.communities.length; i++, at += 4)
        writeUint32(buf, at, attribute.communities[i]!);
      return at;
    case 'largeCommunities':
      for (const { globalAdministrator, localData1, localData2 } of attribute.communities) {
        writeUint32(buf, at, globalAdministrator);
        writeUint32(buf, at + 4, localData1);
        writeUint32(buf, at + 8, localData2);
        at += 12;
      }
      return at;
    case 'mpReachNlri':
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
      buf[at] = 0;
      return writeIpv6Prefixes(buf, at + 1, attribute.nlri);
    case 'mpUnreachNlri':
      buf[at] = 0;
      buf[at + 1] = attribute.afi;
      buf[at + 2] = attribute.safi;
      return attribute.afi === Afi.ipv4
        ? writeIpv4Prefixes(buf, at + 3, attribute.withdrawn)
        : writeIpv6Prefixes(buf, at + 3, attribute.withdrawn);
    case 'extendedCommunities':
    case 'unknown':
      buf.set(attribute.value, at);
      return at + attribute.value.length;
  }
}
