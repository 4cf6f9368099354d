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
import { computeIcmpv6Checksum } from './icmpv6-checksum.ts';
import { ndpFrameCodec } from './ndp-frame.ts';
import { arpFrameArbitrary, ndpFrameArbitrary } from './testing/arbitraries.ts';
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

/**
 * The property for one input. Returns normally when the input is handled correctly, throws
 * (failing the property) when something other than ArpWireError escapes or a round trip differs.
 */
export function checkRoundTrip(codec: Codec<unknown>, input: Uint8Array): void {
  let value: unknown;
  try {
    value = codec.decode(input);
  } catch (error) {
    if (error instanceof ArpWireError) return;
    throw error;
  }
  const encoded = codec.encode(value);
  if (encoded.length !== codec.encodedLength(value))
    throw new Error('encode length differs from encodedLength');
  const again = codec.decode(encoded);
  if (!isDeepStrictEqual(again, value)) {
    throw new Error(`round trip differs:\n${JSON.stringify(value)}\n${JSON.stringify(again)}`);
  }
}

const names = listVectors();
const vectorsFor: Record<string, Uint8Array[]> = {
  ethernetHeader: names.map(readVector),
  arpPacket: names.filter((name) => name.startsWith('arp-')).map((name) => readVector(name).subarray(14)),
  arpFrame: names.filter((name) => name.startsWith('arp-')).map(readVector),
  ndpFrame: names.filter((name) => name.startsWith('ndp-')).map(readVector),
};

/**
 * A golden frame with a few random byte changes, sometimes truncated or extended, and half the
 * time with its ICMPv6 checksum recomputed so the changes reach the checks behind the checksum.
 */
export function mutatedFrame(vectors: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      base: fc.constantFrom(...vectors),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
      cut: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
      tail: fc.oneof(
        { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }) },
      ),
      fixChecksum: fc.boolean(),
    })
    .map(({ base, edits, cut, tail, fixChecksum }) => {
      const frame = new Uint8Array([...base, ...tail]);
      for (const { at, value } of edits) frame[at % frame.length] = value;
      const cutFrame = cut === undefined ? frame : frame.subarray(0, cut % (frame.length + 1));
      if (fixChecksum) refreshIcmpv6Checksum(cutFrame);
      return cutFrame;
    });
}

/** Recomputes the ICMPv6 checksum of an untagged or tagged IPv6 frame so edits reach past it. */
function refreshIcmpv6Checksum(frame: Uint8Array): void {
  let ip = 14;
  while (ip + 2 <= frame.length && ip < 24 && (frame[ip - 2] === 0x81 || frame[ip - 2] === 0x88)) ip += 4;
  if (ip + 44 > frame.length) return;
  const end = Math.min(frame.length, ip + 40 + ((frame[ip + 4]! << 8) | frame[ip + 5]!));
  if (end < ip + 44) return;
  const checksum = computeIcmpv6Checksum(frame, ip + 8, ip + 40, end);
  frame[ip + 42] = checksum >>> 8;
  frame[ip + 43] = checksum & 0xff;
}

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
