/**
 * Decoder fuzzing and encoder/decoder agreement. Random and mutated golden messages either
 * decode — identically inside a larger buffer, and to a value that re-encodes and decodes equal —
 * or throw BgpWireError; nothing else may escape. Generated messages satisfy decode(encode(v))
 * = v. Modest by default; FUZZ=1 runs 1,000,000 inputs per byte-level property.
 * Counterexamples go to fuzz-regressions.test.ts by name.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { bgpMessageCodec } from './bgp-message.ts';
import { MessageFramer } from './message-framer.ts';
import type { SessionOptions } from './session-options.ts';
import { bgpMessageArbitrary } from './testing/arbitraries.ts';
import { checkRoundTrip, mutatedMessage } from './testing/round-trip.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

const FUZZ = process.env.FUZZ === '1';
const numRuns = FUZZ ? 1_000_000 : 3_000;
const timeout = FUZZ ? 60 * 60_000 : 60_000;
const vectors = listVectors().map(readVector);
const sessions: [string, SessionOptions][] = [
  ['4-octet, extended', { fourOctetAs: true, maxMessageLength: 65535 }],
  ['2-octet, 4096', { fourOctetAs: false, maxMessageLength: 4096 }],
];

describe('decoder fuzzing', () => {
  for (const [name, session] of sessions) {
    it(`${name}: random bytes after a valid marker`, { timeout }, () => {
      const input = fc
        .record({
          type: fc.integer({ min: 0, max: 6 }),
          body: fc.uint8Array({ maxLength: 96 }),
          lie: fc.boolean(),
        })
        .map(({ type, body, lie }) => {
          const length = lie ? (body[0] ?? 0) * 3 : 19 + body.length;
          return Uint8Array.from([...new Array(16).fill(0xff), length >>> 8, length & 0xff, type, ...body]);
        });
      fc.assert(
        fc.property(input, (bytes) => checkRoundTrip(bytes, session)),
        { numRuns },
      );
    });
    it(`${name}: mutated golden messages`, { timeout }, () => {
      fc.assert(
        fc.property(mutatedMessage(vectors), (bytes) => checkRoundTrip(bytes, session)),
        { numRuns },
      );
    });
  }

  it('fully random bytes', { timeout }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => checkRoundTrip(bytes, sessions[0]![1])),
      { numRuns },
    );
  });
});

describe('encoder/decoder agreement on generated messages', () => {
  const codec = bgpMessageCodec(sessions[0]![1]);
  it('decode(encode(message)) equals message', { timeout }, () => {
    fc.assert(
      fc.property(bgpMessageArbitrary, (message) => {
        const decoded = codec.decode(codec.encode(message));
        if (!isDeepStrictEqual(decoded, message)) {
          throw new Error(`decoded differs:\n${JSON.stringify(message)}\n${JSON.stringify(decoded)}`);
        }
      }),
      { numRuns: FUZZ ? 200_000 : 2_000 },
    );
  });

  it('the framer cuts any split of a stream into the same messages', { timeout }, () => {
    fc.assert(
      fc.property(
        fc.array(bgpMessageArbitrary, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        (messages, sizes) => {
          const encoded = messages.map((message) => Buffer.from(codec.encode(message)).toString('hex'));
          const stream = Buffer.from(encoded.join(''), 'hex');
          const framer = new MessageFramer(65535);
          const out: string[] = [];
          for (let at = 0, i = 0; at < stream.length; i++) {
            const size = sizes[i % sizes.length]!;
            framer.push(stream.subarray(at, at + size));
            at += size;
            for (let m = framer.next(); m !== undefined; m = framer.next())
              out.push(Buffer.from(m).toString('hex'));
          }
          if (!isDeepStrictEqual(out, encoded)) throw new Error('framer output differs');
        },
      ),
      { numRuns: FUZZ ? 100_000 : 1_000 },
    );
  });
});
