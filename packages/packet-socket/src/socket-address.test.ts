import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './packet-socket-error.ts';
import { decodeSocketAddress, encodeSocketAddress } from './socket-address.ts';

describe('socket addresses', () => {
  it('encodes sockaddr_in: family, port big-endian, address', () => {
    const buf = encodeSocketAddress('198.51.100.7', 3784);
    expect(buf.length).toBe(16);
    expect([...buf.subarray(2, 8)]).toEqual([0x0e, 0xc8, 198, 51, 100, 7]);
    expect(decodeSocketAddress(buf)).toEqual({ family: 4, address: '198.51.100.7', port: 3784 });
  });

  it('encodes sockaddr_in6 and prints the address in RFC 5952 form', () => {
    const buf = encodeSocketAddress('2001:db8:0:0:1::12', 4784);
    expect(buf.length).toBe(28);
    expect(buf.subarray(8, 24).toString('hex')).toBe('20010db8000000000001000000000012');
    expect(decodeSocketAddress(buf)).toEqual({ family: 6, address: '2001:db8::1:0:0:12', port: 4784 });
    expect(decodeSocketAddress(encodeSocketAddress('::', 1)).address).toBe('::');
    expect(decodeSocketAddress(encodeSocketAddress('fe80::1', 1)).address).toBe('fe80::1');
  });

  it('rejects what is not an address or port with a typed error', () => {
    for (const [address, port] of [
      ['example', 1],
      ['198.51.100.1', 70000],
      ['::ffff:198.51.100.1', 1],
    ] as const) {
      expect(() => encodeSocketAddress(address, port)).toThrow(InvalidArgumentError);
    }
    expect(() => decodeSocketAddress(new Uint8Array(4))).toThrow(InvalidArgumentError);
  });
});
