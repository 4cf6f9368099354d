import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeaderError } from '../leader-error.ts';
import { decodeMessages, encodedMessageLength, encodeMessageInto, type Message } from './message.ts';

const runs = process.env.FUZZ === '1' ? 20_000 : 300;
const name = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => Buffer.byteLength(s) <= 255 && !s.includes('\uFFFD'));
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: u32, target: name }),
  fc.record({ type: fc.constant('ack' as const), seq: u32 }),
  fc.record({ type: fc.constant('nack' as const), seq: u32 }),
  fc.record({ type: fc.constant('pingReq' as const), seq: u32, target: name, address: name }),
  fc.record({ type: fc.constant('alive' as const), incarnation: u32, name, address: name }),
  fc.record({ type: fc.constant('suspect' as const), incarnation: u32, name, from: name }),
  fc.record({ type: fc.constant('dead' as const), incarnation: u32, name, from: name }),
  fc.record({ type: fc.constant('left' as const), incarnation: u32, name }),
  fc.record({
    type: fc.constant('state' as const),
    state: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const, 'left' as const),
    incarnation: u32,
    name,
    address: name,
  }),
  fc.constant({ type: 'syncReq' as const }),
);

function encode(messages: readonly Message[]): Buffer {
  const buf = Buffer.alloc(messages.reduce((n, m) => n + encodedMessageLength(m), 0));
  let o = 0;
  for (const m of messages) o = encodeMessageInto(m, buf, o);
  expect(o).toBe(buf.length);
  return buf;
}

describe('membership messages', () => {
  it('round-trip any sequence of messages', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), (messages) => {
        expect(decodeMessages(encode(messages))).toEqual(messages);
      }),
      { numRuns: runs },
    );
  });

  it('golden bytes: a ping then a suspect, one field per line', () => {
    const bytes = encode([
      { type: 'ping', seq: 7, target: 'b' },
      { type: 'suspect', incarnation: 258, name: 'b', from: 'a' },
    ]);
    expect([...bytes]).toEqual([
      ...[0x01], //                   type: ping
      ...[0x00, 0x00, 0x00, 0x07], // seq 7
      ...[0x01, 0x62], //             target "b"
      ...[0x06], //                   type: suspect
      ...[0x00, 0x00, 0x01, 0x02], // incarnation 258
      ...[0x01, 0x62], //             name "b"
      ...[0x01, 0x61], //             from "a"
    ]);
  });

  it.each([
    ['unknown type', [0x63]],
    ['truncated seq', [0x02, 0x00, 0x00]],
    ['empty name', [0x08, 0, 0, 0, 1, 0x00]],
    ['name longer than the packet', [0x08, 0, 0, 0, 1, 0x05, 0x61]],
    ['unknown member state', [0x09, 0x07, 0, 0, 0, 1, 0x01, 0x61, 0x01, 0x61]],
    ['invalid UTF-8 name', [0x08, 0, 0, 0, 1, 0x01, 0xff]],
  ])('rejects %s with ERR_LEADER_MALFORMED_PACKET', (_label, bytes) => {
    expect(() => decodeMessages(Buffer.from(bytes))).toThrow(
      expect.objectContaining({ code: 'ERR_LEADER_MALFORMED_PACKET' }),
    );
  });

  it('decoding arbitrary bytes either succeeds or throws a LeaderError, and re-encodes exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        let decoded: Message[];
        try {
          decoded = decodeMessages(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(LeaderError);
          return;
        }
        expect([...encode(decoded)]).toEqual([...bytes]);
      }),
      { numRuns: runs },
    );
  });
});
