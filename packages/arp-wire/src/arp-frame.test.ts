import { describe, expect, it } from 'vitest';
import { arpFrameCodec, decodeArpFrame, encodeArpFrameInto } from './arp-frame.ts';
import { decodeArpPacket } from './arp-packet.ts';
import { ArpWireErrorCode, MalformedError, TruncatedError, WireLayer } from './errors.ts';
import { catchWireError } from './testing/catch-wire-error.ts';
import { readVector } from './testing/vector-file.ts';

const request = readVector('arp-request');
const ARP = 14;

function withByte(frame: Uint8Array, at: number, value: number): Uint8Array {
  const copy = frame.slice();
  copy[at] = value;
  return copy;
}

describe('ARP decoding rejects what it does not support (RFC 826)', () => {
  it.each([
    [
      'hardware type 6 (IEEE 802)',
      ARP + 1,
      6,
      ArpWireErrorCode.arpUnsupportedHardwareType,
      'hardwareType',
      ARP,
    ],
    [
      'protocol type 0x86dd',
      ARP + 2,
      0x86,
      ArpWireErrorCode.arpUnsupportedProtocolType,
      'protocolType',
      ARP + 2,
    ],
    [
      'hardware length 16',
      ARP + 4,
      16,
      ArpWireErrorCode.arpUnsupportedAddressLength,
      'hardwareLength',
      ARP + 4,
    ],
    [
      'protocol length 16',
      ARP + 5,
      16,
      ArpWireErrorCode.arpUnsupportedAddressLength,
      'protocolLength',
      ARP + 5,
    ],
    [
      'operation 3 (RARP request)',
      ARP + 7,
      3,
      ArpWireErrorCode.arpUnsupportedOperation,
      'operation',
      ARP + 6,
    ],
  ])('%s', (_name, at, value, code, field, offset) => {
    const error = catchWireError(() => decodeArpFrame(withByte(request, at, value)));
    expect(error).toBeInstanceOf(MalformedError);
    expect(error.code).toBe(code);
    expect((error as MalformedError).field).toBe(field);
    expect((error as MalformedError).offset).toBe(offset);
    expect((error as MalformedError).layer).toBe(WireLayer.arp);
  });

  it('names the unsupported length before complaining that the longer addresses are missing', () => {
    // A 16-byte hardware address would need a longer packet; the length is what is wrong.
    expect(catchWireError(() => decodeArpPacket(withByte(request, ARP + 4, 16), ARP)).code).toBe(
      ArpWireErrorCode.arpUnsupportedAddressLength,
    );
  });

  it('rejects a frame of another EtherType', () => {
    const error = catchWireError(() => decodeArpFrame(readVector('ndp-neighbor-solicitation')));
    expect(error.code).toBe(ArpWireErrorCode.ethernetUnexpectedEtherType);
    expect((error as MalformedError).actual).toBe(0x86dd);
    expect((error as MalformedError).offset).toBe(12);
  });

  it.each([
    [0, WireLayer.ethernet, ArpWireErrorCode.ethernetTruncated, 0, 14],
    [13, WireLayer.ethernet, ArpWireErrorCode.ethernetTruncated, 0, 14],
    [14, WireLayer.arp, ArpWireErrorCode.arpTruncated, 14, 8],
    [21, WireLayer.arp, ArpWireErrorCode.arpTruncated, 14, 8],
    [41, WireLayer.arp, ArpWireErrorCode.arpTruncated, 14, 28],
  ])(
    'reports truncation at %i bytes with layer, offset, needed and available',
    (length, layer, code, offset, needed) => {
      const error = catchWireError(() => decodeArpFrame(request.subarray(0, length)));
      expect(error).toBeInstanceOf(TruncatedError);
      expect(error.code).toBe(code);
      expect(error).toMatchObject({ layer, offset, needed, available: length - offset });
      expect(error.message).toContain(`"${layer}"`);
    },
  );

  it('reports a truncated VLAN tag', () => {
    const tagged = readVector('arp-request-vlan');
    const error = catchWireError(() => decodeArpFrame(tagged.subarray(0, 16)));
    expect(error).toMatchObject({
      code: ArpWireErrorCode.ethernetTruncated,
      offset: 14,
      needed: 4,
      available: 2,
    });
  });

  it('decodes at an offset and up to an end inside a larger receive buffer', () => {
    const buffer = new Uint8Array(200).fill(0xee);
    buffer.set(request, 30);
    const frame = decodeArpFrame(buffer, 30, 30 + request.length);
    expect(frame).toEqual(decodeArpFrame(request));
    const error = catchWireError(() => decodeArpFrame(buffer, 30, 30 + 20));
    expect(error).toMatchObject({ offset: 44, needed: 8, available: 6 });
  });
});

describe('ARP encoding', () => {
  it('refuses a buffer that is too small, writing nothing', () => {
    const frame = decodeArpFrame(readVector('arp-reply-padded'));
    const small = new Uint8Array(59);
    const error = catchWireError(() => encodeArpFrameInto(frame, small, 0));
    expect(error).toMatchObject({ code: ArpWireErrorCode.encodeBufferTooSmall, needed: 60, available: 59 });
    expect(small.every((byte) => byte === 0)).toBe(true);
    expect(catchWireError(() => encodeArpFrameInto(frame, new Uint8Array(100), 41)).code).toBe(
      ArpWireErrorCode.encodeBufferTooSmall,
    );
  });

  it('writes the padding as zeros even when the input carried garbage there', () => {
    const dirty = readVector('arp-reply-padded');
    dirty.fill(0x5a, 42);
    const encoded = arpFrameCodec.encode(decodeArpFrame(dirty));
    expect([...encoded.subarray(42)]).toEqual(new Array(18).fill(0));
    expect(Buffer.from(encoded.subarray(0, 42)).equals(Buffer.from(dirty.subarray(0, 42)))).toBe(true);
  });
});

describe('decode bounds', () => {
  it('treats an end past the buffer as the end of the buffer', () => {
    const request = readVector('arp-request');
    expect(decodeArpFrame(request, 0, 1000)).toEqual(decodeArpFrame(request));
    expect(catchWireError(() => decodeArpFrame(request.subarray(0, 30), 0, 1000))).toMatchObject({
      code: ArpWireErrorCode.arpTruncated,
      available: 16,
    });
  });

  it('rejects a negative offset with a typed error', () => {
    expect(catchWireError(() => decodeArpFrame(readVector('arp-request'), -2)).code).toBe(
      ArpWireErrorCode.ethernetTruncated,
    );
  });
});
