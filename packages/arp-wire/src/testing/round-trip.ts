/**
 * The fuzz property and the input mutator, shared by codec.fuzz.test.ts and the named regression
 * cases (and usable by other packages' property tests through the /testing subpath).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Codec } from '../codec.ts';
import { ArpWireError } from '../errors.ts';
import { computeIcmpv6Checksum } from '../icmpv6-checksum.ts';

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
