import {
  ArpOperation,
  arpFrameCodec,
  BROADCAST_MAC,
  decodeArpFrame,
  EtherType,
  NO_VLAN_TAGS,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArpResponder } from './arp-responder.ts';
import { ConflictDetector } from './conflict-detector.ts';
import { FrameOutcome } from './frame-outcome.ts';
import { SourceRateLimiter } from './source-rate-limiter.ts';

const OUR_MAC = parseMac('02:00:00:00:00:01');
const CLIENT_MAC = parseMac('02:00:00:00:00:99');
const VIP = '192.0.2.10';

function request(
  overrides: { target?: string; op?: ArpOperation; dst?: number; sender?: string; mac?: number } = {},
) {
  const mac = overrides.mac ?? CLIENT_MAC;
  return arpFrameCodec.encode({
    ethernet: {
      destination: overrides.dst ?? BROADCAST_MAC,
      source: mac,
      vlanTags: NO_VLAN_TAGS,
      etherType: EtherType.arp,
    },
    arp: {
      operation: overrides.op ?? ArpOperation.request,
      senderMac: mac,
      senderIp: parseIpv4(overrides.sender ?? '192.0.2.100'),
      targetMac: 0,
      targetIp: parseIpv4(overrides.target ?? VIP),
    },
    paddingLength: 18,
  });
}

/** `limit`: requests per second per source; null = no limiter (frames arrive already limited). */
function setup(limit: number | null = 1_000_000) {
  const sent: Buffer[] = [];
  const events: string[] = [];
  let now = 0;
  const responder = new ArpResponder({
    ifname: 'eth0',
    mac: OUR_MAC,
    send: (f) => sent.push(Buffer.from(f)),
    now: () => now,
    ...(limit === null
      ? {}
      : { rateLimiter: new SourceRateLimiter({ perSourcePerSecond: limit, burst: limit, maxSources: 16 }) }),
    conflicts: new ConflictDetector({ takeoverGraceMs: 0 }),
    observer: {
      requestReceived: (ip) => events.push(`req ${ip}`),
      responseSent: (ip) => events.push(`resp ${ip}`),
      gratuitousSent: (ip) => events.push(`garp ${ip}`),
      conflict: (r) => events.push(`conflict ${r.ip} ${r.mac}`),
    },
  });
  responder.add(VIP);
  return { responder, sent, events, tick: (ms: number) => (now += ms) };
}

describe('ArpResponder', () => {
  it('answers a broadcast request for our IP with a unicast reply from our MAC (golden bytes)', () => {
    const { responder, sent, events } = setup();
    expect(responder.handleFrame(request())).toBe(FrameOutcome.replied);
    expect(sent).toHaveLength(1);
    // biome-ignore format: one protocol field per line
    const want = Buffer.from([
      0x02, 0x00, 0x00, 0x00, 0x00, 0x99, // Ethernet destination: the requester
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // Ethernet source: our MAC
      0x08, 0x06,                         // EtherType ARP
      0x00, 0x01,                         // hardware type Ethernet
      0x08, 0x00,                         // protocol type IPv4
      0x06,                               // hardware length
      0x04,                               // protocol length
      0x00, 0x02,                         // operation reply
      0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // sender MAC: ours
      192, 0, 2, 10,                      // sender IP: the VIP
      0x02, 0x00, 0x00, 0x00, 0x00, 0x99, // target MAC: the requester
      192, 0, 2, 100,                     // target IP: the requester
      ...new Array(18).fill(0),           // pad to 60 bytes
    ]);
    expect(sent[0]).toEqual(want);
    expect(events).toEqual([`req ${VIP}`, `resp ${VIP}`]);
  });

  it('answers a request unicast to our MAC', () => {
    const { responder } = setup();
    expect(responder.handleFrame(request({ dst: OUR_MAC }))).toBe(FrameOutcome.replied);
  });

  it.each([
    ['a request for another IP', { target: '192.0.2.11' }, FrameOutcome.notOurIp],
    ['an ARP reply', { op: ArpOperation.reply }, FrameOutcome.notRequest],
    [
      'a request to another unicast MAC',
      { dst: parseMac('02:00:00:00:00:55') },
      FrameOutcome.wrongDestination,
    ],
    ['our own looped-back frame', { mac: OUR_MAC }, FrameOutcome.ignored],
  ])('does not answer %s', (_name, overrides, outcome) => {
    const { responder, sent } = setup();
    expect(responder.handleFrame(request(overrides))).toBe(outcome);
    expect(sent).toEqual([]);
  });

  it('stops answering at once when the IP is removed', () => {
    const { responder, sent } = setup();
    responder.remove(VIP);
    expect(responder.handleFrame(request())).toBe(FrameOutcome.notOurIp);
    expect(sent).toEqual([]);
  });

  it('reports another MAC claiming our IP once, and counts every sighting as a conflict', () => {
    const { responder, events } = setup();
    const claim = request({ sender: VIP, target: VIP, mac: parseMac('02:00:00:00:00:77') });
    expect(responder.handleFrame(claim)).toBe(FrameOutcome.conflict);
    expect(
      responder.handleFrame(
        request({ sender: VIP, op: ArpOperation.reply, mac: parseMac('02:00:00:00:00:77') }),
      ),
    ).toBe(FrameOutcome.conflict);
    // Defended once (RFC 5227 2.4 (b)): a gratuitous request and reply, not again within 10 s.
    expect(events).toEqual([`conflict ${VIP} 02:00:00:00:00:77`, `garp ${VIP}`, `garp ${VIP}`]);
  });

  it('rate-limits each source and counts the drops', () => {
    const { responder, sent, tick } = setup(5);
    const outcomes = Array.from({ length: 8 }, () => responder.handleFrame(request()));
    expect(outcomes.filter((o) => o === FrameOutcome.rateLimited)).toHaveLength(3);
    expect(sent).toHaveLength(5);
    // Another source is not starved by the first.
    expect(responder.handleFrame(request({ mac: parseMac('02:00:00:00:00:98') }))).toBe(FrameOutcome.replied);
    tick(1000);
    expect(responder.handleFrame(request())).toBe(FrameOutcome.replied);
  });

  it('without a rate limiter answers every request (the speaker limits in its native thread)', () => {
    const { responder, sent } = setup(null);
    const outcomes = Array.from({ length: 50 }, () => responder.handleFrame(request()));
    expect(outcomes.every((o) => o === FrameOutcome.replied)).toBe(true);
    expect(sent).toHaveLength(50);
  });

  it('sends a gratuitous ARP as a request and a reply, broadcast, sender = target = VIP', () => {
    const { responder, sent, events } = setup();
    responder.sendGratuitous(VIP);
    expect(sent).toHaveLength(2);
    const [req, rep] = sent.map((f) => decodeArpFrame(f));
    for (const f of [req!, rep!]) {
      expect(f.ethernet.destination).toBe(BROADCAST_MAC);
      expect(f.arp.senderMac).toBe(OUR_MAC);
      expect(f.arp.senderIp).toBe(parseIpv4(VIP));
      expect(f.arp.targetIp).toBe(parseIpv4(VIP));
    }
    expect([req!.arp.operation, rep!.arp.operation]).toEqual([ArpOperation.request, ArpOperation.reply]);
    expect(events).toEqual([`garp ${VIP}`, `garp ${VIP}`]);
  });

  it('reports a send failure as an outcome', () => {
    const responder = new ArpResponder({
      ifname: 'eth0',
      mac: OUR_MAC,
      send: () => {
        throw new Error('ENETDOWN');
      },
      now: () => 0,
      rateLimiter: new SourceRateLimiter(),
      conflicts: new ConflictDetector(),
    });
    responder.add(VIP);
    expect(responder.handleFrame(request())).toBe(FrameOutcome.sendFailed);
  });

  it('never throws on arbitrary bytes', () => {
    const { responder } = setup();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(Object.values(FrameOutcome)).toContain(responder.handleFrame(bytes));
      }),
      { numRuns: process.env.FUZZ === '1' ? 20_000 : 500 },
    );
    expect(responder.handleFrame(new Uint8Array(5))).toBe(FrameOutcome.malformed);
    expect(responder.handleFrame(request().subarray(0, 30))).toBe(FrameOutcome.malformed);
  });
});
