/**
 * fast-check arbitraries for well-formed values of this package's types: what an encoder must
 * accept and a decoder must give back unchanged. Exported for other packages' property tests.
 */
import fc from 'fast-check';

/** Records as plain objects, like the decoders return (fast-check's have a null prototype). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

import type { ArpFrame } from '../arp-frame.ts';
import { ArpOperation } from '../arp-packet.ts';
import { EtherType, type VlanTag } from '../ethernet-header.ts';
import type { Ipv6Address } from '../ipv6-address.ts';
import type { NdpFrame } from '../ndp-frame.ts';
import { NdpMessageType } from '../ndp-message.ts';
import type { NdpOption } from '../ndp-option.ts';

export const macArbitrary = fc.integer({ min: 0, max: 0xffff_ffff_ffff });
export const ipv4Arbitrary = fc.integer({ min: 0, max: 0xffff_ffff });
export const ipv6Arbitrary: fc.Arbitrary<Ipv6Address> = fc.uint8Array({ minLength: 16, maxLength: 16 });
const unicastIpv6Arbitrary = ipv6Arbitrary.filter((address) => address[0] !== 0xff);
const multicastIpv6Arbitrary = ipv6Arbitrary.map((address) =>
  Uint8Array.from([0xff, ...address.subarray(1)]),
);

export const vlanTagArbitrary: fc.Arbitrary<VlanTag> = record({
  tpid: fc.constantFrom(EtherType.vlan, EtherType.serviceVlan),
  priority: fc.integer({ min: 0, max: 7 }),
  dropEligible: fc.boolean(),
  id: fc.integer({ min: 0, max: 4095 }),
});
const vlanTagsArbitrary = fc.array(vlanTagArbitrary, { maxLength: 2 });

export const arpFrameArbitrary: fc.Arbitrary<ArpFrame> = record({
  ethernet: record({
    destination: macArbitrary,
    source: macArbitrary,
    vlanTags: vlanTagsArbitrary,
    etherType: fc.constant(EtherType.arp),
  }),
  arp: record({
    operation: fc.constantFrom(ArpOperation.request, ArpOperation.reply),
    senderMac: macArbitrary,
    senderIp: ipv4Arbitrary,
    targetMac: macArbitrary,
    targetIp: ipv4Arbitrary,
  }),
  paddingLength: fc.integer({ min: 0, max: 32 }),
});

/** Options as a decoder returns them: link-layer options of length 1, others raw (6 mod 8 bytes). */
export const ndpOptionArbitrary: fc.Arbitrary<NdpOption> = fc.oneof(
  record({
    kind: fc.constantFrom('sourceLinkLayerAddress' as const, 'targetLinkLayerAddress' as const),
    mac: macArbitrary,
  }),
  fc
    .record({ type: fc.integer({ min: 0, max: 255 }), units: fc.integer({ min: 1, max: 4 }) })
    .filter(({ type, units }) => !(units === 1 && (type === 1 || type === 2)))
    .chain(({ type, units }) =>
      fc
        .uint8Array({ minLength: units * 8 - 2, maxLength: units * 8 - 2 })
        .map((body) => ({ kind: 'raw' as const, type, body })),
    ),
);

export const ndpFrameArbitrary: fc.Arbitrary<NdpFrame> = fc
  .record({
    ethernet: record({
      destination: macArbitrary,
      source: macArbitrary,
      vlanTags: vlanTagsArbitrary,
      etherType: fc.constant(EtherType.ipv6),
    }),
    trafficClass: fc.integer({ min: 0, max: 255 }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    source: ipv6Arbitrary,
    destination: fc.oneof(unicastIpv6Arbitrary, multicastIpv6Arbitrary),
    targetAddress: unicastIpv6Arbitrary,
    options: fc.array(ndpOptionArbitrary, { maxLength: 3 }),
    advertisement: fc.option(
      record({ router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean() }),
      {
        nil: undefined,
      },
    ),
    paddingLength: fc.integer({ min: 0, max: 16 }),
  })
  .map(
    ({
      ethernet,
      trafficClass,
      flowLabel,
      source,
      destination,
      targetAddress,
      options,
      advertisement,
      paddingLength,
    }) => {
      const ipv6 = { trafficClass, flowLabel, source, destination };
      if (advertisement === undefined) {
        // RFC 4861 section 7.1.1: no Source Link-Layer Address option from the unspecified address.
        const fromUnspecified = source.every((byte) => byte === 0);
        const kept = fromUnspecified
          ? options.filter((option) => option.kind !== 'sourceLinkLayerAddress')
          : options;
        return {
          ethernet,
          ipv6,
          message: { type: NdpMessageType.neighborSolicitation, targetAddress, options: kept },
          paddingLength,
        };
      }
      // RFC 4861 section 7.1.2: no Solicited flag on an advertisement to a multicast group.
      const solicited = advertisement.solicited && destination[0] !== 0xff;
      return {
        ethernet,
        ipv6,
        message: {
          type: NdpMessageType.neighborAdvertisement,
          ...advertisement,
          solicited,
          targetAddress,
          options,
        },
        paddingLength,
      };
    },
  );
