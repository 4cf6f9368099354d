/**
 * UPDATE path attributes (RFC 4271 section 4.3 and 5) as plain data, one variant per attribute
 * this package understands and `unknown` for the rest (kept with their flags for re-encoding).
 *
 * `extendedLength` is set only when the sender used a 2-octet length for a value that fits in
 * one (FRR does, for MP_REACH_NLRI and AS_PATH), so decoded attributes re-encode byte for byte;
 * the encoder uses 2 octets whenever the value needs them. `partial` is the Partial bit of
 * optional transitive attributes.
 */
import type { Ipv4Address, Ipv6Address } from '@baremetal-lb/arp-wire';
import type { Afi } from './address-family.ts';
import type { Ipv4Prefix, Ipv6Prefix } from './prefix.ts';

export const AttributeType = {
  origin: 1,
  asPath: 2,
  nextHop: 3,
  multiExitDisc: 4,
  localPref: 5,
  atomicAggregate: 6,
  aggregator: 7,
  communities: 8,
  mpReachNlri: 14,
  mpUnreachNlri: 15,
  extendedCommunities: 16,
  as4Path: 17,
  as4Aggregator: 18,
  largeCommunities: 32,
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** Attribute Flags (RFC 4271 section 4.3); the low four bits are unused. */
export const AttributeFlag = {
  optional: 0x80,
  transitive: 0x40,
  partial: 0x20,
  extendedLength: 0x10,
} as const;

export const Origin = { igp: 0, egp: 1, incomplete: 2 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/** AS_PATH segment types (RFC 4271 section 4.3, RFC 5065 section 3 for the confederation ones). */
export const AsPathSegmentType = { set: 1, sequence: 2, confedSequence: 3, confedSet: 4 } as const;
export type AsPathSegmentType = (typeof AsPathSegmentType)[keyof typeof AsPathSegmentType];

export type AsPathSegment = { readonly type: AsPathSegmentType; readonly asns: readonly number[] };

/** RFC 8092: three 4-octet fields. */
export type LargeCommunity = {
  readonly globalAdministrator: number;
  readonly localData1: number;
  readonly localData2: number;
};

type Flags = { readonly extendedLength?: true };
type TransitiveFlags = Flags & { readonly partial?: true };

export type OriginAttribute = Flags & { readonly kind: 'origin'; readonly origin: Origin };
export type AsPathAttribute = Flags & {
  readonly kind: 'asPath';
  readonly segments: readonly AsPathSegment[];
};
export type NextHopAttribute = Flags & { readonly kind: 'nextHop'; readonly nextHop: Ipv4Address };
export type MultiExitDiscAttribute = Flags & { readonly kind: 'multiExitDisc'; readonly med: number };
export type LocalPrefAttribute = Flags & { readonly kind: 'localPref'; readonly localPref: number };
export type AtomicAggregateAttribute = Flags & { readonly kind: 'atomicAggregate' };
/** AGGREGATOR: the ASN is 2 or 4 octets on the wire, as the session's 4-octet capability says. */
export type AggregatorAttribute = TransitiveFlags & {
  readonly kind: 'aggregator';
  readonly asn: number;
  readonly address: Ipv4Address;
};
/** COMMUNITIES (RFC 1997): each a 32-bit number, AS in the high 16 bits. */
export type CommunitiesAttribute = TransitiveFlags & {
  readonly kind: 'communities';
  readonly communities: readonly number[];
};
export type Ipv4MpReach = Flags & {
  readonly kind: 'mpReachNlri';
  readonly afi: typeof Afi.ipv4;
  readonly safi: number;
  readonly nextHop: Ipv4Address;
  readonly nlri: readonly Ipv4Prefix[];
};
export type Ipv6MpReach = Flags & {
  readonly kind: 'mpReachNlri';
  readonly afi: typeof Afi.ipv6;
  readonly safi: number;
  /** The global next hop; with `linkLocalNextHop` the Length of Next Hop is 32 (RFC 2545 section 3). */
  readonly nextHop: Ipv6Address;
  readonly linkLocalNextHop?: Ipv6Address;
  readonly nlri: readonly Ipv6Prefix[];
};
/** MP_REACH_NLRI (RFC 4760 section 3) for IPv4 or IPv6 unicast/multicast; other families stay `unknown`. */
export type MpReachAttribute = Ipv4MpReach | Ipv6MpReach;
/** MP_UNREACH_NLRI (RFC 4760 section 4). An empty list of an UPDATE's only attribute is End-of-RIB. */
export type MpUnreachAttribute =
  | (Flags & {
      readonly kind: 'mpUnreachNlri';
      readonly afi: typeof Afi.ipv4;
      readonly safi: number;
      readonly withdrawn: readonly Ipv4Prefix[];
    })
  | (Flags & {
      readonly kind: 'mpUnreachNlri';
      readonly afi: typeof Afi.ipv6;
      readonly safi: number;
      readonly withdrawn: readonly Ipv6Prefix[];
    });
/** EXTENDED COMMUNITIES (RFC 4360), kept raw: a multiple of 8 bytes. */
export type ExtendedCommunitiesAttribute = TransitiveFlags & {
  readonly kind: 'extendedCommunities';
  readonly value: Uint8Array;
};
/** AS4_PATH (RFC 6793 section 3): always 4-octet ASNs; sent only on 2-octet sessions. */
export type As4PathAttribute = TransitiveFlags & {
  readonly kind: 'as4Path';
  readonly segments: readonly AsPathSegment[];
};
export type As4AggregatorAttribute = TransitiveFlags & {
  readonly kind: 'as4Aggregator';
  readonly asn: number;
  readonly address: Ipv4Address;
};
export type LargeCommunitiesAttribute = TransitiveFlags & {
  readonly kind: 'largeCommunities';
  readonly communities: readonly LargeCommunity[];
};
/** Any other attribute (or an MP attribute of another family), flags as received. */
export type UnknownAttribute = {
  readonly kind: 'unknown';
  readonly type: number;
  readonly flags: number;
  readonly value: Uint8Array;
};

export type PathAttribute =
  | OriginAttribute
  | AsPathAttribute
  | NextHopAttribute
  | MultiExitDiscAttribute
  | LocalPrefAttribute
  | AtomicAggregateAttribute
  | AggregatorAttribute
  | CommunitiesAttribute
  | MpReachAttribute
  | MpUnreachAttribute
  | ExtendedCommunitiesAttribute
  | As4PathAttribute
  | As4AggregatorAttribute
  | LargeCommunitiesAttribute
  | UnknownAttribute;

/** The Optional and Transitive bits each known attribute must carry (RFC 4271 section 5). */
export const EXPECTED_FLAGS: Readonly<Record<Exclude<PathAttribute['kind'], 'unknown'>, number>> = {
  origin: AttributeFlag.transitive,
  asPath: AttributeFlag.transitive,
  nextHop: AttributeFlag.transitive,
  multiExitDisc: AttributeFlag.optional,
  localPref: AttributeFlag.transitive,
  atomicAggregate: AttributeFlag.transitive,
  aggregator: AttributeFlag.optional | AttributeFlag.transitive,
  communities: AttributeFlag.optional | AttributeFlag.transitive,
  mpReachNlri: AttributeFlag.optional,
  mpUnreachNlri: AttributeFlag.optional,
  extendedCommunities: AttributeFlag.optional | AttributeFlag.transitive,
  as4Path: AttributeFlag.optional | AttributeFlag.transitive,
  as4Aggregator: AttributeFlag.optional | AttributeFlag.transitive,
  largeCommunities: AttributeFlag.optional | AttributeFlag.transitive,
};

/** The type code of each known attribute kind. */
export const TYPE_OF: Readonly<Record<Exclude<PathAttribute['kind'], 'unknown'>, number>> = {
  origin: AttributeType.origin,
  asPath: AttributeType.asPath,
  nextHop: AttributeType.nextHop,
  multiExitDisc: AttributeType.multiExitDisc,
  localPref: AttributeType.localPref,
  atomicAggregate: AttributeType.atomicAggregate,
  aggregator: AttributeType.aggregator,
  communities: AttributeType.communities,
  mpReachNlri: AttributeType.mpReachNlri,
  mpUnreachNlri: AttributeType.mpUnreachNlri,
  extendedCommunities: AttributeType.extendedCommunities,
  as4Path: AttributeType.as4Path,
  as4Aggregator: AttributeType.as4Aggregator,
  largeCommunities: AttributeType.largeCommunities,
};

/** The type code of `attribute`. */
export function attributeType(attribute: PathAttribute): number {
  return attribute.kind === 'unknown' ? attribute.type : TYPE_OF[attribute.kind];
}

/** The first attribute of `kind`, narrowed. */
export function findAttribute<K extends PathAttribute['kind']>(
  attributes: readonly PathAttribute[],
  kind: K,
): Extract<PathAttribute, { kind: K }> | undefined {
  for (const attribute of attributes) {
    if (attribute.kind === kind) return attribute as Extract<PathAttribute, { kind: K }>;
  }
  return undefined;
}

/**
 * The attributes to pass on when re-advertising (RFC 4271 section 5): unrecognized optional
 * non-transitive ones are dropped, unrecognized optional transitive ones get the Partial bit.
 * Unrecognized well-known attributes never get here: decoding them ends the session.
 */
export function propagatedAttributes(attributes: readonly PathAttribute[]): PathAttribute[] {
  const out: PathAttribute[] = [];
  for (const attribute of attributes) {
    if (attribute.kind !== 'unknown') out.push(attribute);
    else if (attribute.flags & AttributeFlag.transitive) {
      out.push({ ...attribute, flags: attribute.flags | AttributeFlag.partial });
    }
  }
  return out;
}
