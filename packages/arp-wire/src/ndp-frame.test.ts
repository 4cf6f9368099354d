import { describe, expect, it } from 'vitest';
import { ArpWireErrorCode, ChecksumError, MalformedError, TruncatedError, WireLayer } from './errors.ts';
import { computeIcmpv6Checksum } from './icmpv6-checksum.ts';
import { decodeNdpFrame, encodeNdpFrameInto, ndpFrameCodec } from './ndp-frame.ts';
import { catchWireError } from './testing/catch-wire-error.ts';
import { readVector } from './testing/vector-file.ts';

const IP = 14;
const ICMP = IP + 40;

/** `frame` with `edits` applied and, unless told otherwise, a correct checksum again. */
function edited(name: string, edits: Record<number, number>, fixChecksum = true): Uint8Array {
  const frame = readVector(name);
  for (const [at, value] of Object.entries(edits)) frame[Number(at)] = value;
  if (fixChecksum) {
    const end = ICMP + ((frame[IP + 4]! << 8) | frame[IP + 5]!);
    const checksum = computeIcmpv6Checksum(frame, IP + 8, ICMP, end);
    frame[ICMP + 2] = checksum >>> 8;
    frame[ICMP + 3] = checksum & 0xff;
  }
  return frame;
}

describe('NDP decoding enforces RFC 4861 section 7.1', () => {
  it('rejects a hop limit other than 255', () => {
    for (const hopLimit of [0, 1, 64, 254]) {
      const error = catchWireError(() =>
        decodeNdpFrame(edited('ndp-neighbor-solicitation', { [IP + 7]: hopLimit })),
      );
      expect(error).toBeInstanceOf(MalformedError);
      expect(error).toMatchObject({
        code: ArpWireErrorCode.ndpBadHopLimit,
        layer: WireLayer.ipv6,
        offset: IP + 7,
        field: 'hopLimit',
        actual: hopLimit,
      });
    }
  });

  it('rejects a bad checksum and says which one it expected', () => {
    const good = readVector('ndp-neighbor-advertisement');
    const stored = (good[ICMP + 2]! << 8) | good[ICMP + 3]!;
    const bad = edited('ndp-neighbor-advertisement', { [ICMP + 3]: good[ICMP + 3]! ^ 0x01 }, false);
    const error = catchWireError(() => decodeNdpFrame(bad));
    expect(error).toBeInstanceOf(ChecksumError);
    expect(error).toMatchObject({
      code: ArpWireErrorCode.icmpv6BadChecksum,
      offset: ICMP + 2,
      expected: stored,
    });
    // Any change to covered bytes, including the pseudo-header's addresses, breaks the checksum.
    expect(
      catchWireError(() => decodeNdpFrame(edited('ndp-neighbor-advertisement', { [IP + 10]: 0x77 }, false)))
        .code,
    ).toBe(ArpWireErrorCode.icmpv6BadChecksum);
  });

  it('accepts 0xffff for a checksum that computes to 0x0000 (both encode zero)', () => {
    // Find a flow label edit that makes the computed checksum zero, then store 0xffff instead.
    const frame = readVector('ndp-neighbor-solicitation');
    const computed = computeIcmpv6Checksum(frame, IP + 8, ICMP, frame.length);
    // Adding `computed` to the target's last word (a covered 16-bit word) brings the sum to 0xffff.
    const word = ((frame[ICMP + 22]! << 8) | frame[ICMP + 23]!) + computed;
    const folded = (word & 0xffff) + (word >>> 16);
    frame[ICMP + 22] = folded >>> 8;
    frame[ICMP + 23] = folded & 0xff;
    expect(computeIcmpv6Checksum(frame, IP + 8, ICMP, frame.length)).toBe(0);
    frame[ICMP + 2] = 0xff;
    frame[ICMP + 3] = 0xff;
    expect(() => decodeNdpFrame(frame)).not.toThrow();
    frame[ICMP + 2] = 0;
    frame[ICMP + 3] = 0;
    expect(() => decodeNdpFrame(frame)).not.toThrow();
  });

  it.each([
    ['ICMP code 1', { [ICMP + 1]: 1 }, ArpWireErrorCode.ndpBadCode, ICMP + 1],
    ['a multicast target', { [ICMP + 8]: 0xff }, ArpWireErrorCode.ndpMulticastTarget, ICMP + 8],
    ['an option of length zero', { [ICMP + 25]: 0 }, ArpWireErrorCode.ndpOptionZeroLength, ICMP + 25],
    ['ICMPv6 type 128 (echo request)', { [ICMP]: 128 }, ArpWireErrorCode.ndpUnsupportedType, ICMP],
    [
      'next header 0 (hop-by-hop options)',
      { [IP + 6]: 0 },
      ArpWireErrorCode.ipv6UnsupportedNextHeader,
      IP + 6,
    ],
    ['IP version 4', { [IP]: 0x40 }, ArpWireErrorCode.ipv6BadVersion, IP],
  ])('rejects %s', (_name, edits, code, offset) => {
    const error = catchWireError(() => decodeNdpFrame(edited('ndp-neighbor-solicitation', edits)));
    expect(error).toMatchObject({ code, offset });
  });

  it('rejects a Source Link-Layer Address option in a DAD solicitation', () => {
    // Turn the DAD frame's nonce option (type 14, one unit) into a Source Link-Layer Address.
    const error = catchWireError(() => decodeNdpFrame(edited('ndp-dad-solicitation', { [ICMP + 24]: 1 })));
    expect(error.code).toBe(ArpWireErrorCode.ndpDadWithSourceLinkLayerAddress);
  });

  it('rejects the Solicited flag on an advertisement to a multicast group', () => {
    const error = catchWireError(() =>
      decodeNdpFrame(edited('ndp-unsolicited-advertisement', { [ICMP + 4]: 0x60 })),
    );
    expect(error).toMatchObject({ code: ArpWireErrorCode.ndpSolicitedToMulticast, field: 'solicited' });
  });

  it('rejects an option that runs past the payload', () => {
    const error = catchWireError(() =>
      decodeNdpFrame(edited('ndp-neighbor-solicitation', { [ICMP + 25]: 2 })),
    );
    expect(error).toBeInstanceOf(TruncatedError);
    expect(error).toMatchObject({
      code: ArpWireErrorCode.ndpTruncated,
      offset: ICMP + 24,
      needed: 16,
      available: 8,
    });
  });

  it('rejects a payload shorter than NS/NA need, and a payload longer than the frame', () => {
    const short = edited('ndp-neighbor-solicitation', { [IP + 5]: 20 });
    expect(catchWireError(() => decodeNdpFrame(short))).toMatchObject({
      code: ArpWireErrorCode.ndpTruncated,
      offset: ICMP,
      needed: 24,
      available: 20,
    });
    const frame = readVector('ndp-neighbor-solicitation');
    expect(catchWireError(() => decodeNdpFrame(frame.subarray(0, frame.length - 1)))).toMatchObject({
      code: ArpWireErrorCode.ipv6Truncated,
      layer: WireLayer.ipv6,
      offset: ICMP,
      needed: 32,
      available: 31,
    });
    expect(catchWireError(() => decodeNdpFrame(frame.subarray(0, 40)))).toMatchObject({
      code: ArpWireErrorCode.ipv6Truncated,
      offset: IP,
      needed: 40,
      available: 26,
    });
  });

  it('keeps bytes after the IPv6 payload as padding, and writes them back as zeros', () => {
    const frame = new Uint8Array([...readVector('ndp-neighbor-advertisement'), 1, 2, 3]);
    const decoded = decodeNdpFrame(frame);
    expect(decoded.paddingLength).toBe(3);
    const encoded = ndpFrameCodec.encode(decoded);
    expect([...encoded.subarray(-3)]).toEqual([0, 0, 0]);
  });
});

describe('NDP encoding', () => {
  it('sets hop limit 255 and a checksum that verifies', () => {
    const decoded = decodeNdpFrame(readVector('ndp-neighbor-solicitation-vlan'));
    const buf = new Uint8Array(120).fill(0x33);
    const written = encodeNdpFrameInto(decoded, buf, 7);
    const frame = buf.subarray(7, 7 + written);
    expect(frame[18 + 7]).toBe(255);
    expect(Buffer.from(frame).equals(Buffer.from(readVector('ndp-neighbor-solicitation-vlan')))).toBe(true);
  });

  it('refuses a buffer that is too small', () => {
    const decoded = decodeNdpFrame(readVector('ndp-neighbor-solicitation'));
    expect(catchWireError(() => encodeNdpFrameInto(decoded, new Uint8Array(85), 0))).toMatchObject({
      code: ArpWireErrorCode.encodeBufferTooSmall,
      needed: 86,
      available: 85,
    });
  });
});
