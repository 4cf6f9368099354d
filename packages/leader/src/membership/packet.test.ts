import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Keyring } from './keyring.ts';
import { openPacket, packetOverhead, sealPacket } from './packet.ts';

const oldSecret = 'the old cluster secret';
const newSecret = 'the new cluster secret';

describe('membership packets (AES-256-GCM)', () => {
  it('seal then open returns the payload, sender, epoch and counter', () => {
    const k = new Keyring([oldSecret]);
    const sealed = sealPacket(k, 'node-a', 2 ** 40 + 5, 9, Buffer.from('hello'));
    expect(sealed.length).toBe(5 + packetOverhead('node-a'));
    expect(openPacket(k, sealed, 1_400)).toEqual({
      sender: 'node-a',
      epoch: 2 ** 40 + 5,
      counter: 9,
      payload: Buffer.from('hello'),
    });
    // The payload is not visible on the wire.
    expect(sealed.includes(Buffer.from('hello'))).toBe(false);
  });

  it('rotates keys: sends with the first, accepts any', () => {
    const before = new Keyring([oldSecret]);
    const during = new Keyring([newSecret, oldSecret]);
    const after = new Keyring([newSecret]);
    const fromOld = sealPacket(before, 'a', 1, 1, Buffer.from('x'));
    const fromDuring = sealPacket(during, 'b', 1, 1, Buffer.from('y'));
    expect(openPacket(during, fromOld, 1_400)).toMatchObject({ sender: 'a' });
    expect(openPacket(after, fromDuring, 1_400)).toMatchObject({ sender: 'b' });
    expect(openPacket(before, fromDuring, 1_400)).toBe('unknownKey');
    expect(openPacket(after, fromOld, 1_400)).toBe('unknownKey');
  });

  it('a different sender name in the header fails authentication (per-sender subkeys)', () => {
    const k = new Keyring([oldSecret]);
    const sealed = sealPacket(k, 'node-a', 1, 1, Buffer.from('x'));
    sealed.write('node-b', 18, 'utf8');
    expect(openPacket(k, sealed, 1_400)).toBe('authFailed');
  });

  it('any single bit flip is rejected', () => {
    const k = new Keyring([oldSecret]);
    const sealed = sealPacket(k, 'node-a', 123_456, 77, Buffer.from('payload bytes'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), (bit) => {
        const t = Buffer.from(sealed);
        t[bit >> 3]! ^= 1 << (bit & 7);
        expect(typeof openPacket(k, t, 1_400)).toBe('string');
      }),
      { numRuns: 200 },
    );
  });

  it('classifies short, oversized and foreign-version packets without throwing', () => {
    const k = new Keyring([oldSecret]);
    expect(openPacket(k, Buffer.alloc(10), 1_400)).toBe('truncated');
    expect(openPacket(k, Buffer.alloc(2_000), 1_400)).toBe('oversized');
    const sealed = sealPacket(k, 'a', 1, 1, Buffer.from('x'));
    sealed[0] = 2;
    expect(openPacket(k, sealed, 1_400)).toBe('version');
    const noName = sealPacket(k, 'a', 1, 1, Buffer.from('x'));
    noName[17] = 0;
    expect(openPacket(k, noName, 1_400)).toBe('truncated');
  });
});
