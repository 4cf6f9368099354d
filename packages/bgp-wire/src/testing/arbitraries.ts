/**
 * fast-check arbitraries for well-formed messages: what the encoder must accept and the decoder
 * give back unchanged (on a 4-octet session). Exported for other packages' property tests.
 */
import fc from 'fast-check';
import type { BgpMessage } from '../bgp-message.ts';
import type { Capability } from '../capability.ts';
import { MessageType } from '../message-header.ts';
import type { OptionalParameter } from '../open-message.ts';
import type { AsPathSegment, PathAttribute } from '../path-attribute.ts';
import type { Ipv4Prefix, Ipv6Prefix } from '../prefix.ts';

/** Records as plain objects, like the decoders return (fast-check's have a null prototype). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const flag = fc.constantFrom(undefined, true as const);

/** Prefixes with zero bits past the length, as routers send them (the decoder keeps any bits). */
export const ipv4PrefixArbitrary: fc.Arbitrary<Ipv4Prefix> = fc
  .record({ address: u32, length: fc.integer({ min: 0, max: 32 }) })
  .map(({ address, length }) => ({
    address: length === 0 ? 0 : (address & (0xffff_ffff << (32 - length))) >>> 0,
    length,
  }));

export const ipv6PrefixArbitrary: fc.Arbitrary<Ipv6Prefix> = fc
  .record({
    address: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    length: fc.integer({ min: 0, max: 128 }),
  })
  .map(({ address, length }) => {
    const masked = new Uint8Array(16);
    masked.set(address.subarray(0, (length + 7) >>> 3));
    if (length % 8 !== 0) masked[length >>> 3]! &= (0xff << (8 - (length % 8))) & 0xff;
    return { address: masked, length };
  });

const segmentArbitrary: fc.Arbitrary<AsPathSegment> = record({
  type: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
  asns: fc.array(u32, { minLength: 1, maxLength: 6 }),
});

/** Drops undefined flags so values compare equal to decoded ones. */
function withFlags<T extends object>(
  value: T,
  extendedLength: true | undefined,
  partial?: true | undefined,
): T {
  const out: { [key: string]: unknown } = { ...(value as Record<string, unknown>) };
  if (extendedLength) out.extendedLength = true;
  if (partial) out.partial = true;
  return out as T;
}

/** One attribute of each kind, at most once each (duplicates are an RFC 7606 finding). */
export const pathAttributesArbitrary: fc.Arbitrary<PathAttribute[]> = fc
  .record(
    {
      origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
      asPath: fc.array(segmentArbitrary, { maxLength: 3 }),
      nextHop: u32,
      med: u32,
      localPref: u32,
      atomic: fc.constant(true),
      aggregator: record({ asn: u32, address: u32 }),
      communities: fc.array(u32, { minLength: 1, maxLength: 5 }),
      reach6: fc.record({
        nextHop: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        linkLocal: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
        nlri: fc.array(ipv6PrefixArbitrary, { maxLength: 4 }),
      }),
      unreach4: fc.array(ipv4PrefixArbitrary, { maxLength: 4 }),
      extended: fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
      as4Path: fc.array(segmentArbitrary, { maxLength: 2 }),
      large: fc.array(record({ globalAdministrator: u32, localData1: u32, localData2: u32 }), {
        minLength: 1,
        maxLength: 3,
      }),
      unknown: fc.record({
        type: fc.integer({ min: 33, max: 255 }),
        flags: fc.constantFrom(0x80, 0xc0, 0xe0),
        value: bytes(8),
      }),
      extendedLength: flag,
      partial: flag,
    },
    { requiredKeys: ['origin', 'asPath', 'extendedLength', 'partial'] },
  )
  .map((r) => {
    const out: PathAttribute[] = [];
    const x = r.extendedLength;
    out.push(withFlags({ kind: 'origin', origin: r.origin }, x));
    out.push(withFlags({ kind: 'asPath', segments: r.asPath }, x));
    if (r.nextHop !== undefined) out.push({ kind: 'nextHop', nextHop: r.nextHop });
    if (r.med !== undefined) out.push({ kind: 'multiExitDisc', med: r.med });
    if (r.localPref !== undefined) out.push({ kind: 'localPref', localPref: r.localPref });
    if (r.atomic) out.push({ kind: 'atomicAggregate' });
    if (r.aggregator)
      out.push(withFlags({ kind: 'aggregator' as const, ...r.aggregator }, undefined, r.partial));
    if (r.communities) out.push(withFlags({ kind: 'communities', communities: r.communities }, x, r.partial));
    if (r.reach6) {
      const { nextHop, linkLocal, nlri } = r.reach6;
      const base = { kind: 'mpReachNlri' as const, afi: 2 as const, safi: 1, nextHop };
      out.push(linkLocal ? { ...base, linkLocalNextHop: linkLocal, nlri } : { ...base, nlri });
    }
    if (r.unreach4) out.push({ kind: 'mpUnreachNlri', afi: 1, safi: 1, withdrawn: r.unreach4 });
    if (r.extended)
      out.push({ kind: 'extendedCommunities', value: Uint8Array.from(r.extended.flatMap((e) => [...e])) });
    if (r.as4Path) out.push({ kind: 'as4Path', segments: r.as4Path });
    if (r.large) out.push({ kind: 'largeCommunities', communities: r.large });
    if (r.unknown) out.push({ kind: 'unknown', ...r.unknown });
    return out;
  });

const capabilityArbitrary: fc.Arbitrary<Capability> = fc.oneof(
  record({ kind: fc.constant('multiprotocol' as const), afi: u16, safi: u8 }),
  fc.constantFrom<Capability>(
    { kind: 'routeRefresh' },
    { kind: 'enhancedRouteRefresh' },
    { kind: 'extendedMessage' },
  ),
  record({ kind: fc.constant('fourOctetAs' as const), asn: u32 }),
  record({
    kind: fc.constant('gracefulRestart' as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTimeSeconds: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(record({ afi: u16, safi: u8, forwardingPreserved: fc.boolean() }), { maxLength: 3 }),
  }),
  record({
    kind: fc.constant('addPath' as const),
    families: fc.array(
      record({ afi: u16, safi: u8, direction: fc.constantFrom(1 as const, 2 as const, 3 as const) }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  }),
  record({
    kind: fc.constant('raw' as const),
    code: fc.integer({ min: 0, max: 255 }).filter((c) => ![1, 2, 6, 64, 65, 69, 70].includes(c)),
    value: bytes(10),
  }),
);

const parameterArbitrary: fc.Arbitrary<OptionalParameter> = fc.oneof(
  record({
    kind: fc.constant('capabilities' as const),
    capabilities: fc.array(capabilityArbitrary, { maxLength: 4 }),
  }),
  record({
    kind: fc.constant('raw' as const),
    type: fc.integer({ min: 0, max: 255 }).filter((t) => t !== 2),
    value: bytes(8),
  }),
);

export const bgpMessageArbitrary: fc.Arbitrary<BgpMessage> = fc.oneof(
  record({
    type: fc.constant(MessageType.open),
    myAs: u16,
    holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
    bgpIdentifier: fc.integer({ min: 1, max: 0xffff_ffff }),
    parameters: fc.array(parameterArbitrary, { maxLength: 3 }),
  }),
  fc
    .record({
      withdrawn: fc.array(ipv4PrefixArbitrary, { maxLength: 5 }),
      attributes: pathAttributesArbitrary,
      nlri: fc.array(ipv4PrefixArbitrary, { maxLength: 5 }),
    })
    .map(({ withdrawn, attributes, nlri }) => ({
      type: MessageType.update,
      withdrawn,
      // NEXT_HOP is mandatory with NLRI (RFC 7606 section 3): keep generated UPDATEs clean.
      attributes:
        nlri.length > 0 && !attributes.some((a) => a.kind === 'nextHop')
          ? [...attributes, { kind: 'nextHop' as const, nextHop: 0xc6336401 }]
          : attributes,
      nlri,
    })),
  record({ type: fc.constant(MessageType.notification), code: u8, subcode: u8, data: bytes(16) }),
  fc.constant({ type: MessageType.keepalive }),
  record({ type: fc.constant(MessageType.routeRefresh), afi: u16, subtype: u8, safi: u8 }),
);
