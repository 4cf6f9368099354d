import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocumentationAddress, parseDocumentationCidr } from './documentation-address.ts';
import { NonDocumentationAddressError } from './lab-error.ts';

const numRuns = process.env.FUZZ === '1' ? 20_000 : 300;

describe('parseDocumentationCidr', () => {
  it.each([
    ['198.51.100.10/24', '198.51.100.10', 24, 4],
    ['198.51.100.7', '198.51.100.7', 32, 4],
    ['203.0.113.255/32', '203.0.113.255', 32, 4],
    ['198.18.100.1/24', '198.18.100.1', 24, 4],
    ['198.19.255.1/24', '198.19.255.1', 24, 4],
    ['2001:db8::11/64', '2001:db8::11', 64, 6],
    ['2001:db8:ffff::/48', '2001:db8:ffff::', 48, 6],
    ['fe80::1/64', 'fe80::1', 64, 6],
  ])('accepts %s', (text, address, prefixLength, family) => {
    expect(parseDocumentationCidr(text)).toEqual({ address, prefixLength, family });
  });

  it.each([
    '10.0.0.1/24',
    '192.0.3.1/24',
    '192.0.2.10/24', // RFC 5737, but the development machines' uplink is in it
    '198.51.100.1/16', // prefix wider than the documentation /24
    '198.20.0.1/24', // just past the benchmarking /15
    '198.17.255.1/24',
    '2001:db9::1/64',
    '2001:db8::1/16',
    '::1',
    '198.51.100.1/',
    '198.51.100.1/33',
    '198.51.100.1/24/1',
    'not-an-ip',
    '',
  ])('refuses %s with a typed error', (text) => {
    expect(() => parseDocumentationCidr(text)).toThrow(NonDocumentationAddressError);
  });

  it('refuses every IPv4 address outside the two documentation /24s and the benchmarking /15', () => {
    const docs = ['198.51.100.', '203.0.113.', '198.18.', '198.19.'];
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const inside = docs.some((prefix) => address.startsWith(prefix));
        expect(isDocumentationAddress(address)).toBe(inside);
      }),
      { numRuns },
    );
  });
});
