/**
 * Named cases for what fuzzing and the first test runs found, so each stays fixed.
 */
import { describe, expect, it } from 'vitest';
import { decodeBgpMessage } from './bgp-message.ts';
import { MANDATORY_ATTRIBUTES, ONE_PREFIX, rawUpdate } from './testing/raw-message.ts';
import { checkRoundTrip } from './testing/round-trip.ts';

const SESSION = { fourOctetAs: true, maxMessageLength: 65535 };

describe('fuzz regressions', () => {
  it('finding offsets count from the start of the buffer passed to decode (first fuzz counterexample)', () => {
    // FRR's UPDATE with a COMMUNITIES length edited from 4 to 8: an overrun at the attribute.
    const message = rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} c0 08 08 fde90064`, nlri: ONE_PREFIX });
    const inside = new Uint8Array(message.length + 10);
    inside.set(message, 10);
    const alone = decodeBgpMessage(message, 0, message.length, SESSION);
    const shifted = decodeBgpMessage(inside, 10, 10 + message.length, SESSION);
    expect(alone.type === 2 && alone.problems?.[0]?.offset).toBe(23 + 20);
    expect(shifted.type === 2 && shifted.problems?.[0]?.offset).toBe(10 + 23 + 20);
    expect(() => checkRoundTrip(message, SESSION)).not.toThrow();
  });

  it('byte fields decoded from a Node Buffer are copies, not views (Buffer#slice shares memory)', () => {
    const bytes = Buffer.from(
      rawUpdate({ attributes: `${MANDATORY_ATTRIBUTES} c0 63 02 abcd`, nlri: ONE_PREFIX }),
    );
    const update = decodeBgpMessage(bytes, 0, bytes.length, SESSION);
    const unknown = update.type === 2 ? update.attributes.find((a) => a.kind === 'unknown') : undefined;
    if (unknown?.kind !== 'unknown') throw new Error('no unknown attribute');
    bytes.fill(0);
    expect(Buffer.isBuffer(unknown.value)).toBe(false);
    expect([...unknown.value]).toEqual([0xab, 0xcd]);
  });

  it('the empty buffer and a lone header are typed errors', () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array(19).fill(0xff)]) {
      expect(() => checkRoundTrip(bytes, SESSION)).not.toThrow();
      expect(() => decodeBgpMessage(bytes)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^ERR_BGP_/) }),
      );
    }
  });
});
