import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAuthSection, signPacketInto, verifyPacketAuth } from './authenticate-packet.ts';
import { AuthType, BfdState } from './bfd-constants.ts';
import { BfdDecodeError, BfdError } from './bfd-error.ts';
import {
  type ControlPacket,
  controlPacketEncodedLength,
  decodeControlPacket,
  encodeControlPacket,
  encodeControlPacketInto,
} from './control-packet.ts';
import { sampleControlPacket } from './testing/sample-control-packet.ts';

const base = sampleControlPacket({
  diagnostic: 3,
  state: BfdState.init,
  poll: true,
  myDiscriminator: 0x01020304,
  yourDiscriminator: 0xa0b0c0d0,
  requiredMinRxIntervalUs: 300_000,
});

/** RFC 5880 §4.1, one field per line. */
const golden = [
  '23', // Vers 1, Diag 3
  'a0', // Sta Init (2), P
  '03', // Detect Mult
  '18', // Length 24
  '01020304', // My Discriminator
  'a0b0c0d0', // Your Discriminator
  '0000c350', // Desired Min TX 50 000 µs
  '000493e0', // Required Min RX 300 000 µs
  '00000000', // Required Min Echo RX
].join('');

const sha1Key = { type: AuthType.keyedSha1, keyId: 7, secret: Buffer.from('metallb') } as const;

function signed(
  packet: ControlPacket,
  key: typeof sha1Key | { type: 2 | 3 | 5; keyId: number; secret: Buffer },
): Buffer {
  const withAuth = { ...packet, auth: buildAuthSection(key, 1000) };
  const buf = encodeControlPacket(withAuth);
  signPacketInto(buf, 0, buf.length, key);
  return buf;
}

describe('control packet codec', () => {
  it('encodes the golden vector and decodes it back', () => {
    expect(encodeControlPacket(base).toString('hex')).toBe(golden);
    expect(decodeControlPacket(Buffer.from(golden, 'hex'))).toEqual(base);
  });

  it('writes at an offset and decodes from one, sharing no memory with the input', () => {
    const buf = Buffer.alloc(40, 0xee);
    expect(encodeControlPacketInto(base, buf, 8)).toBe(24);
    const decoded = decodeControlPacket(buf, 8, 32);
    expect(decoded).toEqual(base);
    const withPassword = {
      ...base,
      auth: { type: AuthType.simplePassword, keyId: 1, password: Buffer.from('pw') },
    } as const;
    const raw = encodeControlPacket(withPassword);
    const back = decodeControlPacket(raw);
    raw.fill(0);
    expect(back.auth).toEqual({ type: 1, keyId: 1, password: Buffer.from('pw') });
  });

  it('lays out a keyed SHA1 section (§4.4) and verifies it (§6.7.4)', () => {
    const buf = signed(base, sha1Key);
    expect(buf.length).toBe(24 + 28);
    expect(buf[1]! & 0x04).toBe(0x04); // A bit
    expect(buf[3]).toBe(52);
    expect(buf.subarray(24, 32).toString('hex')).toBe(['04', '1c', '07', '00', '000003e8'].join(''));
    const packet = decodeControlPacket(buf);
    expect(packet.auth).toMatchObject({ type: 4, keyId: 7, sequence: 1000 });
    expect(verifyPacketAuth(buf, 0, packet, sha1Key)).toBe(true);
    expect(verifyPacketAuth(buf, 0, packet, { ...sha1Key, secret: Buffer.from('other') })).toBe(false);
    expect(verifyPacketAuth(buf, 0, packet, { ...sha1Key, keyId: 8 })).toBe(false);
    expect(verifyPacketAuth(buf, 0, packet, { ...sha1Key, type: AuthType.meticulousKeyedSha1 })).toBe(false);
    const tampered = Buffer.from(buf);
    tampered[16] = tampered[16]! ^ 1; // Required Min RX
    expect(verifyPacketAuth(tampered, 0, decodeControlPacket(tampered), sha1Key)).toBe(false);
  });

  it('signs and verifies keyed MD5, meticulous MD5 and meticulous SHA1', () => {
    for (const type of [
      AuthType.keyedMd5,
      AuthType.meticulousKeyedMd5,
      AuthType.meticulousKeyedSha1,
    ] as const) {
      const key = { type, keyId: 1, secret: Buffer.from('k') };
      const buf = signed(base, key);
      expect(buf.length).toBe(type === AuthType.meticulousKeyedSha1 ? 52 : 48);
      expect(verifyPacketAuth(buf, 0, decodeControlPacket(buf), key)).toBe(true);
    }
  });

  const invalid: [string, (buf: Buffer) => void, string, string][] = [
    ['version 2', (b) => (b[0] = 0x43), 'version', 'ERR_BFD_MALFORMED'],
    ['Length below 24', (b) => (b[3] = 23), 'length', 'ERR_BFD_MALFORMED'],
    ['A bit with Length below 26', (b) => (b[1] = b[1]! | 0x04), 'length', 'ERR_BFD_MALFORMED'],
    ['Length beyond the datagram', (b) => (b[3] = 30), 'length', 'ERR_BFD_TRUNCATED'],
    ['Detect Mult zero', (b) => (b[2] = 0), 'detectMultiplier', 'ERR_BFD_MALFORMED'],
    ['Multipoint bit', (b) => (b[1] = b[1]! | 0x01), 'multipoint', 'ERR_BFD_MALFORMED'],
    ['My Discriminator zero', (b) => b.writeUInt32BE(0, 4), 'myDiscriminator', 'ERR_BFD_MALFORMED'],
  ];
  for (const [name, corrupt, field, code] of invalid) {
    it(`rejects ${name} (RFC 5880 §6.8.6) with a typed error`, () => {
      const buf = encodeControlPacket(base);
      corrupt(buf);
      expect(() => decodeControlPacket(buf)).toThrow(expect.objectContaining({ code, field }));
    });
  }

  it('rejects authentication sections whose lengths or type do not add up', () => {
    const sha = signed(base, sha1Key);
    const cases: [string, (b: Buffer) => void][] = [
      ['Auth Len differs from what Length leaves', (b) => (b[25] = 27)],
      ['unknown Auth Type', (b) => (b[24] = 9)],
      ['Auth Type 0 with the A bit', (b) => (b[24] = 0)],
      [
        'SHA1 type with an MD5 length',
        (b) => {
          b[3] = 48;
          b[25] = 24;
        },
      ],
    ];
    for (const [, corrupt] of cases) {
      const buf = Buffer.from(sha);
      corrupt(buf);
      expect(() => decodeControlPacket(buf)).toThrow(BfdDecodeError);
    }
    const password = encodeControlPacket({
      ...base,
      auth: { type: 1, keyId: 1, password: Buffer.alloc(17, 1) },
    });
    expect(() => decodeControlPacket(password)).toThrow(expect.objectContaining({ field: 'authLength' }));
  });

  it('throws BfdDecodeError for every truncation', () => {
    const full = signed(base, sha1Key);
    for (let length = 0; length < full.length; length++) {
      expect(() => decodeControlPacket(full.subarray(0, length))).toThrow(BfdDecodeError);
    }
  });

  it('never throws anything but BfdError on arbitrary bytes, and round-trips what it accepts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (bytes) => {
        let packet: ControlPacket;
        try {
          packet = decodeControlPacket(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BfdError);
          return;
        }
        const again = encodeControlPacket(packet);
        expect(again.length).toBe(controlPacketEncodedLength(packet));
        expect(decodeControlPacket(again)).toEqual(packet);
      }),
      { numRuns: process.env.FUZZ === '1' ? 200_000 : 2000 },
    );
  });
});
