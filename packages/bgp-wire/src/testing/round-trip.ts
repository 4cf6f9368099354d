/**
 * The fuzz property for one input, and the input mutator (shared by codec.fuzz.test.ts and the
 * named regressions).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  type BgpMessage,
  bgpMessageEncodedLength,
  decodeBgpMessage,
  encodeBgpMessageInto,
} from '../bgp-message.ts';
import { BgpWireError } from '../errors.ts';
import type { SessionOptions } from '../session-options.ts';

/** A decoded message without the decode-only RFC 7606 fields, which re-encoding drops. */
function withoutFindings(message: BgpMessage): BgpMessage {
  if (message.type !== 2 || message.problems === undefined) return message;
  const { problems: _problems, action: _action, ...rest } = message;
  return rest;
}

/** `outcome` with its RFC 7606 findings' offsets (which count from the buffer start) moved by `by`. */
function shiftOffsets(outcome: BgpMessage | string, by: number): BgpMessage | string {
  if (typeof outcome === 'string' || outcome.type !== 2 || outcome.problems === undefined) return outcome;
  return {
    ...outcome,
    problems: outcome.problems.map((problem) => ({ ...problem, offset: problem.offset + by })),
  };
}

/**
 * Decodes `input` twice — alone, and inside a larger buffer whose bytes around it are garbage —
 * and requires the same outcome (so the decoder never reads outside `[offset, end)`); then a
 * decoded message must re-encode to bytes that decode to the same value. Throws (failing the
 * property) when anything but BgpWireError escapes or a check differs.
 */
export function checkRoundTrip(input: Uint8Array, session: SessionOptions): void {
  const outcome = (bytes: Uint8Array, offset: number, end: number): BgpMessage | string => {
    try {
      return decodeBgpMessage(bytes, offset, end, session);
    } catch (error) {
      if (error instanceof BgpWireError) return error.code;
      throw error;
    }
  };
  const value = outcome(input, 0, input.length);
  const padded = new Uint8Array(input.length + 64).fill(0xff);
  padded.set(input, 32);
  const again = shiftOffsets(outcome(padded, 32, 32 + input.length), -32);
  if (!isDeepStrictEqual(value, again)) throw new Error('decoding depends on bytes outside [offset, end)');
  if (typeof value === 'string') return;
  const length = bgpMessageEncodedLength(value, session);
  if (length > session.maxMessageLength) return;
  const encoded = new Uint8Array(length);
  if (encodeBgpMessageInto(value, encoded, 0, session) !== length)
    throw new Error('encodeInto length differs');
  const redecoded = decodeBgpMessage(encoded, 0, encoded.length, session);
  if (!isDeepStrictEqual(withoutFindings(redecoded), withoutFindings(value))) {
    throw new Error(`round trip differs:\n${JSON.stringify(value)}\n${JSON.stringify(redecoded)}`);
  }
}

/** A golden message with a few random byte edits, sometimes cut short or extended. */
export function mutatedMessage(vectors: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      base: fc.constantFrom(...vectors),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
      cut: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
      tail: fc.oneof(
        { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }) },
      ),
      fixLength: fc.boolean(),
    })
    .map(({ base, edits, cut, tail, fixLength }) => {
      const message = new Uint8Array([...base, ...tail]);
      // Edits past the header are where the parsers are; keep the marker intact most of the time.
      for (const { at, value } of edits) message[16 + (at % Math.max(message.length - 16, 1))] = value;
      const cutMessage = cut === undefined ? message : message.subarray(0, cut % (message.length + 1));
      if (fixLength && cutMessage.length >= 18) {
        cutMessage[16] = cutMessage.length >>> 8;
        cutMessage[17] = cutMessage.length & 0xff;
      }
      return cutMessage;
    });
}
