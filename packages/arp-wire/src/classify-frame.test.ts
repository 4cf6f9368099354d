import { describe, expect, it } from 'vitest';
import { classifyFrame, FrameKind } from './classify-frame.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

describe('classifyFrame', () => {
  it.each(listVectors())('classifies %s by its name', (name) => {
    const expected = name.startsWith('arp-')
      ? FrameKind.arp
      : name.includes('solicitation')
        ? FrameKind.neighborSolicitation
        : FrameKind.neighborAdvertisement;
    expect(classifyFrame(readVector(name))).toBe(expected);
  });

  it('says other for short frames, other EtherTypes and other ICMPv6 types', () => {
    const ns = readVector('ndp-neighbor-solicitation');
    expect(classifyFrame(ns.subarray(0, 13))).toBe(FrameKind.other);
    expect(classifyFrame(ns.subarray(0, 54))).toBe(FrameKind.other);
    const echo = ns.slice();
    echo[54] = 128;
    expect(classifyFrame(echo)).toBe(FrameKind.other);
    const ipv4 = readVector('arp-request');
    ipv4[13] = 0x00;
    expect(classifyFrame(ipv4)).toBe(FrameKind.other);
    expect(classifyFrame(new Uint8Array(0))).toBe(FrameKind.other);
  });

  it('looks at a frame inside a larger buffer', () => {
    const buffer = new Uint8Array(300);
    buffer.set(readVector('arp-request-qinq'), 100);
    expect(classifyFrame(buffer, 100, 150)).toBe(FrameKind.arp);
    expect(classifyFrame(buffer, 100, 110)).toBe(FrameKind.other);
  });
});
