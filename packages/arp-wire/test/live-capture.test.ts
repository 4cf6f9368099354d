/**
 * The golden vectors, captured afresh on every run: two private network namespaces, arping,
 * ndisc6 and the kernel (scripts/capture-vectors.ts, the same code that wrote test/vectors).
 * Every frame picked from the capture must decode and re-encode byte for byte, and each must
 * decode to the same fields as its committed vector (the DAD nonce aside, which is random).
 */
import { checkPrerequisites } from '@baremetal-lb/lab';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Capture, captureFrames } from '../scripts/capture-vectors.ts';
import { arpFrameCodec } from '../src/arp-frame.ts';
import { classifyFrame, FrameKind } from '../src/classify-frame.ts';
import { ndpFrameCodec } from '../src/ndp-frame.ts';
import { readVector } from '../src/testing/vector-file.ts';

const ready = checkPrerequisites('arp-wire live capture', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'arping', debianPackage: 'iputils-arping' },
    { name: 'ndisc6', debianPackage: 'ndisc6' },
    { name: 'tcpdump', debianPackage: 'tcpdump' },
  ],
});

const CAPTURED = [
  'arp-request',
  'arp-reply',
  'arp-gratuitous-request',
  'arp-gratuitous-reply',
  'arp-probe',
  'ndp-neighbor-solicitation',
  'ndp-neighbor-advertisement',
  'ndp-dad-solicitation',
  'ndp-unsolicited-advertisement',
];

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.skipIf(!ready)('frames captured now from arping, ndisc6 and the kernel', () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureFrames();
  }, 60_000);

  it('captured every kind of frame', () => {
    expect(capture.missing).toEqual([]);
  });

  it.each(CAPTURED)('%s decodes, re-encodes byte for byte and matches its vector', (name) => {
    const frame = capture.frames.get(name);
    if (frame === undefined) throw new Error(`${name} was not captured`);
    const codec = classifyFrame(frame) === FrameKind.arp ? arpFrameCodec : ndpFrameCodec;
    const decoded = codec.decode(frame as Uint8Array) as object;
    expect(hex(codec.encode(decoded as never))).toBe(hex(frame));
    if (name === 'ndp-dad-solicitation') return; // its RFC 7527 nonce is random
    expect(hex(frame)).toBe(hex(readVector(name)));
  });
});
