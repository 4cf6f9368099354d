/**
 * Decoder fuzzing: random and mutated frames either decode to a value whose re-encoding decodes
 * equal, or throw ArpWireError; nothing else may escape. Modest by default; FUZZ=1 runs at least
 * 1,000,000 inputs per property. Counterexamples go to fuzz-regressions.test.ts by name.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arpFrameCodec } from './arp-frame.ts';
import { arpPacketCodec } from './arp-packet.ts';
import type { Codec } from './codec.ts';
import { ArpWireError } from './errors.ts';
import { ethernetHeaderCodec } from './ethernet-header.ts';
import { ndpFrameCodec } from './ndp-frame.ts';
import { arpFrameArbitrary, ndpFrameArbitrary } from './testing/arbitraries.ts';
import { checkRoundTrip, mutatedFrame } from './testing/round-trip.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

const FUZZ = process.env.FUZZ === '1';
const numRuns = FUZZ ? 1_000_000 : 3_000;
const timeout = FUZZ ? 30 * 60_000 : 60_000;

const codecs: Record<string, Codec<unknown>> = {
  ethernetHeader: ethernetHeaderCodec as Codec<unknown>,
  arpPacket: arpPacketCodec as Codec<unknown>,
  arpFrame: arpFrameCodec as Codec<unknown>,
  ndpFrame: ndpFrameCodec as Codec<unknown>,
};

const names = listVectors();
const vectorsFor: Record<string, Uint8Array[]> = {
  ethernetHeader: names.map(readVector),
  arpPacket: names.filter((name) => name.startsWith('arp-')).map((name) => readVector(name).subarray(14)),
  arpFrame: names.filter((name) => name.startsWith('arp-')).map(readVector),
  ndpFrame: names.filter((name) => name.startsWith('ndp-')).map(readVector),
};

describe('decoder fuzzing', () => {
  for (const [name, codec] of Object.entries(codecs)) {
    it(`${name}: random bytes`, { timeout }, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 128 }), (input) => checkRoundTrip(codec, input)),
        { numRuns },
      );
    });
    it(`${name}: mutated golden frames`, { timeout }, () => {
      fc.assert(
        fc.property(mutatedFrame(vectorsFor[name]!), (input) => checkRoundTrip(codec, input)),
        { numRuns },
      );
    });
  }
});

describe('encoder/decoder agreement on generated values', () => {
  const cases: [string, Codec<unknown>, fc.Arbitrary<unknown>][] = [
    ['arpFrame', arpFrameCodec as Codec<unknown>, arpFrameArbitrary],
    ['ndpFrame', ndpFrameCodec as Codec<unknown>, ndpFrameArbitrary],
  ];
  for (const [name, codec, arbitrary] of cases) {
    it(`${name}: decode(encode(value)) equals value`, { timeout }, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const encoded = codec.encode(value);
          const decoded = codec.decode(encoded);
          if (!isDeepStrictEqual(decoded, value)) {
            throw new Error(`decoded differs:\n${JSON.stringify(value)}\n${JSON.stringify(decoded)}`);
          }
        }),
        { numRuns: FUZZ ? 200_000 : 2_000 },
      );
    });
  }
});

describe('decodeArpFrame fast path', () => {
  /** The general path spelled out: header, then packet, then whatever follows. */
  function decodeLayerByLayer(frame: Uint8Array): unknown {
    const ethernet = ethernetHeaderCodec.decode(frame);
    const arpOffset = ethernetHeaderCodec.encodedLength(ethernet);
    if (ethernet.etherType !== 0x0806) throw new Error('not ARP');
    return {
      ethernet,
      arp: arpPacketCodec.decode(frame, arpOffset),
      paddingLength: frame.length - arpOffset - 28,
    };
  }

  it('decodes exactly as the layer-by-layer decoders do, and fails exactly when they fail', {
    timeout,
  }, () => {
    fc.assert(
      fc.property(mutatedFrame(vectorsFor.arpFrame!), (input) => {
        let expected: unknown;
        let expectedCode: string | undefined;
        try {
          expected = decodeLayerByLayer(input);
        } catch (error) {
          expectedCode = error instanceof ArpWireError ? error.code : 'ERR_ETHERNET_UNEXPECTED_ETHERTYPE';
        }
        let actual: unknown;
        try {
          actual = arpFrameCodec.decode(input);
        } catch (error) {
          if (!(error instanceof ArpWireError) || error.code !== expectedCode) throw error;
          return;
        }
        if (!isDeepStrictEqual(actual, expected)) throw new Error('fast path differs');
      }),
      { numRuns: FUZZ ? 1_000_000 : 3_000 },
    );
  });
});
