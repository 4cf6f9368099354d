import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressParseError, ArpWireErrorCode } from './errors.ts';
import {
  BROADCAST_MAC,
  formatMac,
  isMacAddress,
  isMulticastMac,
  macFromBytes,
  macToBytes,
  parseMac,
  readMac,
  writeMac,
} from './mac-address.ts';

describe('MAC addresses', () => {
  it('parses colon and dash forms in either case', () => {
    expect(parseMac('00:00:5e:00:53:01')).toBe(0x00005e005301);
    expect(parseMac('00-00-5E-00-53-FF')).toBe(0x00005e0053ff);
    expect(parseMac('ff:ff:ff:ff:ff:ff')).toBe(BROADCAST_MAC);
  });

  it.each([
    '',
    '00:00:5e:00:53',
    '00:00:5e:00:53:01:02',
    '00:00:5e-00:53:01',
    '0:0:5e:0:53:1',
    'zz:00:5e:00:53:01',
  ])('rejects %j with ERR_INVALID_MAC_ADDRESS', (text) => {
    expect(() => parseMac(text)).toThrow(AddressParseError);
    try {
      parseMac(text);
    } catch (error) {
      expect((error as AddressParseError).code).toBe(ArpWireErrorCode.invalidMacAddress);
      expect((error as AddressParseError).input).toBe(text);
    }
  });

  it('formats lower-case with leading zeros', () => {
    expect(formatMac(0x00005e005301)).toBe('00:00:5e:00:53:01');
    expect(formatMac(0)).toBe('00:00:00:00:00:00');
  });

  it('round-trips through text and bytes for any 48-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BROADCAST_MAC }), (mac) => {
        expect(parseMac(formatMac(mac))).toBe(mac);
        expect(macFromBytes(macToBytes(mac))).toBe(mac);
        const buf = new Uint8Array(10);
        writeMac(buf, 3, mac);
        expect(readMac(buf, 3)).toBe(mac);
        expect(Buffer.from(buf.subarray(3, 9)).toString('hex')).toBe(mac.toString(16).padStart(12, '0'));
      }),
    );
  });

  it('knows the group bit and the valid range', () => {
    expect(isMulticastMac(parseMac('33:33:00:00:00:01'))).toBe(true);
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(parseMac('00:00:5e:00:53:01'))).toBe(false);
    expect(isMacAddress(BROADCAST_MAC)).toBe(true);
    expect(isMacAddress(BROADCAST_MAC + 1)).toBe(false);
    expect(isMacAddress(1.5)).toBe(false);
  });
});
