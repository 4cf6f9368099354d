/**
 * The golden vectors, captured afresh on every run: two private network namespaces, arping,
 * ndisc6 and the kernel (scripts/capture-vectors.ts, the same code that wrote test/vectors).
 * Every frame picked from the capture must decode and re-encode byte for byte, and each must
 * equal its committed vector in every byte that does not vary between machines or runs.
 *
 * What varies: the IPv6 flow label of frames sent from a user-space socket (ndisc6's; RFC 6437 with
 * net.ipv6.auto_flowlabels=1, the default, hashes it with a per-boot random secret, so a vector
 * recorded on one machine never matched another's), and the RFC 7527 DAD nonce. Both are zeroed
 * and the frame re-encoded, which recomputes the ICMPv6 checksum over the zeroed nonce (the flow
 * label is outside the checksum's pseudo-header). The MACs are fixed by the capture script, and
 * veth links add no padding.
 */
import { checkPrerequisites } from '@baremetal-lb/lab';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Capture, captureFrames } from '../scripts/capture-vectors.ts';
import { arpFrameCodec } from '../src/arp-frame.ts';
import { classifyFrame, FrameKind } from '../src/classify-frame.ts';
import { type NdpFrame, ndpFrameCodec } from '../src/ndp-frame.ts';
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
    expect(hex(withoutVaryingFields(frame))).toBe(hex(withoutVaryingFields(readVector(name))));
  });

  it('masks nothing but the flow label and the DAD nonce', () => {
    const solicitation = readVector('ndp-neighbor-solicitation');
    const masked = withoutVaryingFields(solicitation);
    const differing = [...solicitation.keys()].filter((at) => masked[at] !== solicitation[at]);
    // Bytes 15-17: the low nibble of the IPv6 header's second byte and its third and fourth bytes.
    expect(differing).toEqual([15, 16, 17]);
    expect(hex(withoutVaryingFields(readVector('arp-request')))).toBe(hex(readVector('arp-request')));
  });
});

const DAD_NONCE_OPTION_TYPE = 14; // RFC 7527 section 4

/** The frame re-encoded with its flow label and any DAD nonce set to zero. */
function withoutVaryingFields(frame: Uint8Array): Uint8Array {
  if (classifyFrame(frame) === FrameKind.arp) return frame;
  const decoded = ndpFrameCodec.decode(frame);
  const masked: NdpFrame = {
    ...decoded,
    ipv6: { ...decoded.ipv6, flowLabel: 0 },
    message: {
      ...decoded.message,
      options: decoded.message.options.map((o) =>
        o.kind === 'raw' && o.type === DAD_NONCE_OPTION_TYPE
          ? { ...o, body: new Uint8Array(o.body.length) }
          : o,
      ),
    },
  };
  return ndpFrameCodec.encode(masked);
}
