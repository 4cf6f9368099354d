import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressParseError } from './errors.ts';
import { formatIpv4, isIpv4Address, parseIpv4, readIpv4, writeIpv4 } from './ipv4-address.ts';

describe('IPv4 addresses', () => {
  it('parses dotted decimal to an unsigned 32-bit number', () => {
    expect(parseIpv4('192.0.2.1')).toBe(0xc0000201);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
  });

  it.each([
    '',
    '192.0.2',
    '192.0.2.1.5',
    '192.0.2.256',
    '192.0.2.01',
    ' 192.0.2.1',
    '192.0.2.-1',
    '1e2.0.0.1',
  ])('rejects %j', (text) => {
    expect(() => parseIpv4(text)).toThrow(AddressParseError);
  });

  it('round-trips any 32-bit value through text and bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (ip) => {
        expect(parseIpv4(formatIpv4(ip))).toBe(ip);
        const buf = new Uint8Array(6);
        writeIpv4(buf, 1, ip);
        expect(readIpv4(buf, 1)).toBe(ip);
        expect(isIpv4Address(ip)).toBe(true);
      }),
    );
  });
});
