import {
  allNodesIpv6,
  EtherType,
  formatIpv6,
  ipv6MulticastMac,
  type NdpFrame,
  NdpMessageType,
  NO_VLAN_TAGS,
  ndpFrameCodec,
  parseIpv6,
  parseMac,
  solicitedNodeAddress,
  solicitedNodeMulticastMac,
  sourceLinkLayerAddressOption,
  targetLinkLayerAddressOption,
} from '@baremetal-lb/arp-wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictDetector } from './conflict-detector.ts';
import { FrameOutcome } from './frame-outcome.ts';
import { NdpResponder } from './ndp-responder.ts';
import { SourceRateLimiter } from './source-rate-limiter.ts';

const OUR_MAC = parseMac('02:00:00:00:00:01');
const CLIENT_MAC = parseMac('02:00:00:00:00:99');
const VIP = '2001:db8::10';
const LINK_LOCAL = 'fe80::1';
const CLIENT_IP = '2001:db8::100';

function solicitation(
  opts: { target?: string; withSlla?: boolean; unicast?: boolean; mac?: number } = {},
): Buffer {
  const target = parseIpv6(opts.target ?? VIP);
  const mac = opts.mac ?? CLIENT_MAC;
  const group = solicitedNodeAddress(target);
  const frame: NdpFrame = {
    ethernet: {
      destination: opts.unicast ? OUR_MAC : solicitedNodeMulticastMac(target),
      source: mac,
      vlanTags: NO_VLAN_TAGS,
      etherType: EtherType.ipv6,
    },
    ipv6: {
      trafficClass: 0,
      flowLabel: 0,
      source: parseIpv6(CLIENT_IP),
      destination: opts.unicast ? target : group,
    },
    message: {
      type: NdpMessageType.neighborSolicitation,
      targetAddress: target,
      options: opts.withSlla === false ? [] : [sourceLinkLayerAddressOption(mac)],
    },
    paddingLength: 0,
  };
  return ndpFrameCodec.encode(frame);
}

function advertisement(mac: number, target = VIP): Buffer {
  return ndpFrameCodec.encode({
    ethernet: {
      destination: ipv6MulticastMac(allNodesIpv6()),
      source: mac,
      vlanTags: NO_VLAN_TAGS,
      etherType: EtherType.ipv6,
    },
    ipv6: { trafficClass: 0, flowLabel: 0, source: parseIpv6('fe80::77'), destination: allNodesIpv6() },
    message: {
      type: NdpMessageType.neighborAdvertisement,
      router: false,
      solicited: false,
      override: true,
      targetAddress: parseIpv6(target),
      options: [targetLinkLayerAddressOption(mac)],
    },
    paddingLength: 0,
  });
}

function setup() {
  const sent: Buffer[] = [];
  const events: string[] = [];
  const responder = new NdpResponder({
    ifname: 'eth0',
    mac: OUR_MAC,
    linkLocal: LINK_LOCAL,
    send: (f) => sent.push(Buffer.from(f)),
    now: () => 0,
    rateLimiter: new SourceRateLimiter({ perSourcePerSecond: 1e6, burst: 1e6, maxSources: 16 }),
    conflicts: new ConflictDetector({ takeoverGraceMs: 0 }),
    observer: {
      conflict: (r) => events.push(`conflict ${r.ip} ${r.mac}`),
      gratuitousSent: (ip) => events.push(`na ${ip}`),
    },
    handOver: (ip, mac) => events.push(`handOver ${ip} ${mac}`),
  });
  responder.add('2001:DB8:0::10');
  return { responder, sent, events };
}

describe('NdpResponder', () => {
  it('answers a multicast NS with a solicited NA from the solicited address, Override clear', () => {
    const { responder, sent } = setup();
    expect(responder.handleFrame(solicitation())).toBe(FrameOutcome.replied);
    const na = ndpFrameCodec.decode(sent[0]!);
    expect(na.ethernet.destination).toBe(CLIENT_MAC);
    expect(na.ethernet.source).toBe(OUR_MAC);
    expect(formatIpv6(na.ipv6.source)).toBe(VIP);
    expect(formatIpv6(na.ipv6.destination)).toBe(CLIENT_IP);
    expect(na.message).toMatchObject({
      type: NdpMessageType.neighborAdvertisement,
      solicited: true,
      override: false,
    });
    expect(formatIpv6(na.message.targetAddress)).toBe(VIP);
    expect(na.message.options).toEqual([targetLinkLayerAddressOption(OUR_MAC)]);
  });

  it('answers a unicast NS without a source link-layer option, to the Ethernet source (unlike MetalLB)', () => {
    const { responder, sent } = setup();
    expect(responder.handleFrame(solicitation({ withSlla: false, unicast: true }))).toBe(
      FrameOutcome.replied,
    );
    expect(ndpFrameCodec.decode(sent[0]!).ethernet.destination).toBe(CLIENT_MAC);
  });

  it('ignores solicitations for other addresses and unicast to other MACs', () => {
    const { responder, sent } = setup();
    expect(responder.handleFrame(solicitation({ target: '2001:db8::11' }))).toBe(FrameOutcome.notOurIp);
    responder.remove(VIP);
    expect(responder.handleFrame(solicitation())).toBe(FrameOutcome.notOurIp);
    expect(sent).toEqual([]);
  });

  it('answers a released address until another MAC advertises it, which is a hand-over, not a conflict', () => {
    const { responder, sent, events } = setup();
    responder.release(VIP);
    expect(responder.holds(VIP)).toBe(false);
    expect(responder.handleFrame(solicitation())).toBe(FrameOutcome.replied);
    expect(sent).toHaveLength(1);
    const other = parseMac('02:00:00:00:00:77');
    expect(responder.handleFrame(advertisement(other))).toBe(FrameOutcome.handedOver);
    expect(events).toEqual([`handOver ${VIP} 02:00:00:00:00:77`]);
    // Taken back (add) before the claim: answered and held again, claims are conflicts again.
    responder.add(VIP);
    expect(responder.holds(VIP)).toBe(true);
    expect(responder.handleFrame(advertisement(other))).toBe(FrameOutcome.conflict);
  });

  it('treats an NA for our address from another MAC as a conflict, reported once', () => {
    const { responder, events } = setup();
    const other = parseMac('02:00:00:00:00:77');
    expect(responder.handleFrame(advertisement(other))).toBe(FrameOutcome.conflict);
    expect(responder.handleFrame(advertisement(other))).toBe(FrameOutcome.conflict);
    expect(responder.handleFrame(advertisement(other, '2001:db8::99'))).toBe(FrameOutcome.notRequest);
    // Defended once with an unsolicited NA (RFC 5227 2.4 (b) by analogy), not again within 10 s.
    expect(events).toEqual([`conflict ${VIP} 02:00:00:00:00:77`, `na ${VIP}`]);
  });

  it('sends an unsolicited NA to all nodes with Override set', () => {
    const { responder, sent, events } = setup();
    responder.sendGratuitous(VIP);
    const na = ndpFrameCodec.decode(sent[0]!);
    expect(na.ethernet.destination).toBe(ipv6MulticastMac(allNodesIpv6()));
    expect(formatIpv6(na.ipv6.destination)).toBe('ff02::1');
    expect(formatIpv6(na.ipv6.source)).toBe(LINK_LOCAL);
    expect(na.message).toMatchObject({ solicited: false, override: true });
    expect(events).toEqual([`na ${VIP}`]);
  });

  it('gives the solicited-node group MAC to join', () => {
    expect(NdpResponder.groupMacOf(VIP)).toBe(parseMac('33:33:ff:00:00:10'));
  });

  it('never throws on arbitrary bytes', () => {
    const { responder } = setup();
    const ns = solicitation();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ns.length }), fc.uint8Array({ maxLength: 8 }), (cut, noise) => {
        const bytes = Buffer.concat([ns.subarray(0, cut), noise]);
        expect(Object.values(FrameOutcome)).toContain(responder.handleFrame(bytes));
      }),
      { numRuns: process.env.FUZZ === '1' ? 20_000 : 300 },
    );
  });
});
