import { describe, expect, it } from 'vitest';
import { ArpWireErrorCode } from './errors.ts';
import {
  decodeNdpOptions,
  findLinkLayerAddress,
  ndpOptionEncodedLength,
  ndpOptionsEncodedLength,
  sourceLinkLayerAddressOption,
  writeNdpOptions,
} from './ndp-option.ts';

describe('NDP options (RFC 4861 4.6)', () => {
  it('keeps unknown options and link-layer options of other lengths raw', () => {
    const bytes = Uint8Array.from([
      ...[14, 1, 1, 2, 3, 4, 5, 6], // Nonce (RFC 3971), unknown here
      ...[1, 2, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 1, 2, 3, 4, 5, 6, 7, 8], // 16-byte Source LLA (not Ethernet)
      ...[2, 1, 0, 0, 0x5e, 0, 0x53, 0x02], // Ethernet Target LLA
    ]);
    const options = decodeNdpOptions(bytes, 0, bytes.length);
    expect(options).toEqual([
      { kind: 'raw', type: 14, body: Uint8Array.from([1, 2, 3, 4, 5, 6]) },
      { kind: 'raw', type: 1, body: bytes.slice(10, 24) },
      { kind: 'targetLinkLayerAddress', mac: 0x00005e005302 },
    ]);
    const out = new Uint8Array(ndpOptionsEncodedLength(options));
    expect(writeNdpOptions(options, out, 0)).toBe(bytes.length);
    expect(out).toEqual(bytes);
    expect(findLinkLayerAddress(options, 'sourceLinkLayerAddress')).toBeUndefined();
    expect(findLinkLayerAddress(options, 'targetLinkLayerAddress')).toBe(0x00005e005302);
  });

  it('pads a raw body to whole 8-byte units and caps it at 255 units', () => {
    const option = { kind: 'raw' as const, type: 200, body: Uint8Array.from([9, 9, 9]) };
    expect(ndpOptionEncodedLength(option)).toBe(8);
    const out = new Uint8Array(8).fill(0xff);
    writeNdpOptions([option], out, 0);
    expect([...out]).toEqual([200, 1, 9, 9, 9, 0, 0, 0]);
    const huge = { kind: 'raw' as const, type: 200, body: new Uint8Array(5000).fill(7) };
    expect(ndpOptionEncodedLength(huge)).toBe(255 * 8);
    const hugeOut = new Uint8Array(255 * 8);
    expect(writeNdpOptions([huge], hugeOut, 0)).toBe(255 * 8);
    expect(hugeOut[1]).toBe(255);
  });

  it('copies raw bodies instead of viewing the input', () => {
    const bytes = Buffer.from([14, 1, 1, 2, 3, 4, 5, 6]);
    const [option] = decodeNdpOptions(bytes, 0, 8);
    bytes.fill(0);
    expect(option).toEqual({ kind: 'raw', type: 14, body: Uint8Array.from([1, 2, 3, 4, 5, 6]) });
  });

  it('rejects length zero and options running past the end', () => {
    expect(() => decodeNdpOptions(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]), 0, 8)).toThrow(
      expect.objectContaining({ code: ArpWireErrorCode.ndpOptionZeroLength }),
    );
    expect(() => decodeNdpOptions(Uint8Array.from([1, 1, 0, 0, 0, 0, 0]), 0, 7)).toThrow(
      expect.objectContaining({ code: ArpWireErrorCode.ndpTruncated, needed: 8, available: 7 }),
    );
    expect(() => decodeNdpOptions(Uint8Array.from([1]), 0, 1)).toThrow(
      expect.objectContaining({ code: ArpWireErrorCode.ndpTruncated, needed: 2, available: 1 }),
    );
  });

  it('builds link-layer options', () => {
    expect(sourceLinkLayerAddressOption(5)).toEqual({ kind: 'sourceLinkLayerAddress', mac: 5 });
  });
});
