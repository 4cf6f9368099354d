/**
 * The golden-vector scenario run afresh: BIRD 2, FRR and GoBGP peer in private network
 * namespaces (scripts/bgp-lab.ts), announce, refresh and withdraw, and every message they
 * exchanged must decode without an RFC 7606 finding and re-encode byte for byte. So the codecs
 * are checked against today's routers, not only against the day the vectors were captured.
 */
import { checkPrerequisites } from '@baremetal-lb/lab';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Capture, captureBgpTraffic, kindOf } from '../scripts/capture-vectors.ts';
import { bgpMessageCodec } from '../src/bgp-message.ts';

const ready = checkPrerequisites('bgp-wire live capture', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'tcpdump', debianPackage: 'tcpdump' },
    { name: 'bird', debianPackage: 'bird2' },
    { name: 'gobgpd', debianPackage: 'gobgpd' },
    { name: '/usr/lib/frr/bgpd', debianPackage: 'frr' },
  ],
});

const codec = bgpMessageCodec({ fourOctetAs: true, maxMessageLength: 65535 });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.skipIf(!ready)('BGP messages captured now from BIRD, FRR and GoBGP', () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureBgpTraffic();
  }, 120_000);

  it('all three routers established all their sessions', () => {
    expect(capture.log[0]).toBe('established: {"bird":4,"frr":4,"gobgp":4}');
  });

  it('captured every kind of message from every router', () => {
    const kinds = new Set(capture.messages.map(({ sender, bytes }) => `${sender} ${kindOf(bytes)}`));
    for (const router of ['bird', 'frr', 'gobgp']) {
      for (const kind of ['open', 'keepalive', 'update-ipv4', 'update-ipv6', 'eor-ipv4']) {
        expect(kinds).toContain(`${router} ${kind}`);
      }
    }
    for (const expected of [
      'bird route-refresh-1',
      'bird route-refresh-2',
      'bird withdraw-ipv6',
      'bird notification-6-2',
    ]) {
      expect(kinds).toContain(expected);
    }
    expect([...kinds].some((kind) => kind.endsWith(' route-refresh-0'))).toBe(true);
  });

  it('every message decodes cleanly and re-encodes byte for byte', () => {
    expect(capture.messages.length).toBeGreaterThan(50);
    for (const { bytes } of capture.messages) {
      const message = codec.decode(bytes);
      if (message.type === 2) expect(message.problems).toBeUndefined();
      expect(hex(codec.encode(message))).toBe(hex(bytes));
    }
  });
});
