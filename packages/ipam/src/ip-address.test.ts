import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, normalizeIp, parseIp, parseIpv4, parseIpv6 } from './ip-address.ts';

const runs = process.env.FUZZ === '1' ? 100_000 : 1_000;

describe('IPv4 text', () => {
  it.each([
    ['0.0.0.0', 0],
    ['192.0.2.1', 0xc0000201],
    ['255.255.255.255', 0xffffffff],
  ])('parses %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1..2.3',
    'a.b.c.d',
    '1.2.3.-4',
  ])('rejects %j', (text) => {
    expect(parseIpv4(text)).toBe(-1);
    expect(parseIp(text)).toBeUndefined();
  });

  it('round-trips every value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        expect(parseIpv4(formatIpv4(value))).toBe(value);
      }),
      { numRuns: runs },
    );
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::ffff:192.0.2.1', '2001:db8::ffff:c000:201'],
    ['2001:0db8:0001:0000:0000:0000:0000:0000', '2001:db8:1::'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
  ])('normalizes %s to %s (RFC 5952)', (text, canonical) => {
    expect(normalizeIp(text)).toBe(canonical);
  });

  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
    '::1.2.3',
    '2001:db8::%eth0',
  ])('rejects %j', (text) => {
    expect(parseIpv6(text)).toBe(-1n);
  });

  it('round-trips every value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (value) => {
        expect(parseIpv6(formatIpv6(value))).toBe(value);
      }),
      { numRuns: runs },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (text) => {
        parseIp(text);
      }),
      { numRuns: runs },
    );
  });
});
