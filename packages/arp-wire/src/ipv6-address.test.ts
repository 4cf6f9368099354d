import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressParseError } from './errors.ts';
import {
  allNodesIpv6,
  copyIpv6,
  equalIpv6,
  formatIpv6,
  ipv6MulticastMac,
  isMulticastIpv6,
  isUnspecifiedIpv6,
  parseIpv6,
  solicitedNodeAddress,
  solicitedNodeMulticastMac,
} from './ipv6-address.ts';
import { formatMac } from './mac-address.ts';

/** Node's URL parser as an independent RFC 5952 formatter. */
const canonical = (address: Uint8Array) => {
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(((address[i]! << 8) | address[i + 1]!).toString(16));
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
};

describe('IPv6 addresses', () => {
  it.each([
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['ff02::1:ff00:2', 'ff0200000000000000000001ff000002'],
    ['fe80::200:5eff:fe00:5301', 'fe8000000000000002005efffe005301'],
    ['2001:DB8:0:0:0:0:0:1', '20010db8000000000000000000000001'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['2001:db8::', '20010db8000000000000000000000000'],
  ])('parses %s', (text, hex) => {
    expect(Buffer.from(parseIpv6(text)).toString('hex')).toBe(hex);
  });

  it.each([
    '',
    ':',
    ':::',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::',
    '1:2:3:4:5:6:7::8',
    '::1.2.3',
  ])('rejects %j', (text) => {
    expect(() => parseIpv6(text)).toThrow(AddressParseError);
  });

  it('formats in the RFC 5952 canonical form, as Node does, and parses it back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
          minLength: 8,
          maxLength: 8,
        }),
        (words) => {
          const address = new Uint8Array(16);
          words.forEach((word, i) => {
            address[2 * i] = word >>> 8;
            address[2 * i + 1] = word & 0xff;
          });
          const text = formatIpv6(address);
          expect(text).toBe(canonical(address));
          expect(equalIpv6(parseIpv6(text), address)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('maps to the solicited-node group and its MAC (RFC 4291 2.7.1, RFC 2464 7)', () => {
    const target = parseIpv6('2001:db8::1:2:3');
    expect(formatIpv6(solicitedNodeAddress(target))).toBe('ff02::1:ff02:3');
    expect(formatMac(solicitedNodeMulticastMac(target))).toBe('33:33:ff:02:00:03');
    expect(solicitedNodeMulticastMac(target)).toBe(ipv6MulticastMac(solicitedNodeAddress(target)));
    expect(formatMac(ipv6MulticastMac(allNodesIpv6()))).toBe('33:33:00:00:00:01');
    expect(formatMac(ipv6MulticastMac(parseIpv6('ff02::1:ff80:8001')))).toBe('33:33:ff:80:80:01');
  });

  it('classifies and copies without sharing memory', () => {
    expect(isUnspecifiedIpv6(parseIpv6('::'))).toBe(true);
    expect(isUnspecifiedIpv6(parseIpv6('::1'))).toBe(false);
    expect(isMulticastIpv6(allNodesIpv6())).toBe(true);
    const original = Buffer.from(parseIpv6('2001:db8::5'));
    const copy = copyIpv6(original);
    original[15] = 9;
    expect(formatIpv6(copy)).toBe('2001:db8::5');
    expect(copy).toBeInstanceOf(Uint8Array);
  });
});

describe('parseIpv6 against node:net', () => {
  const FUZZ = process.env.FUZZ === '1';
  const piece = fc.oneof(
    fc.constantFrom(':', '::', '.', '0', 'ffff', '1.2.3.4', '255.255.255.255', '256'),
    fc.stringMatching(/^[0-9a-fA-F]{1,5}$/),
  );
  const candidate = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

  it('accepts exactly what isIPv6 accepts, and formats what it accepts canonically', {
    timeout: FUZZ ? 600_000 : 60_000,
  }, () => {
    fc.assert(
      fc.property(candidate, (text) => {
        if (isIPv6(text)) {
          const address = parseIpv6(text);
          expect(formatIpv6(address)).toBe(canonical(address));
          expect(new URL(`http://[${text}]/`).hostname.slice(1, -1)).toBe(formatIpv6(address));
        } else {
          expect(() => parseIpv6(text)).toThrow(AddressParseError);
        }
      }),
      { numRuns: FUZZ ? 200_000 : 3_000 },
    );
  });
});
