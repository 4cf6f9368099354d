/**
 * Runs the ARP and NDP answer paths on synthetic requests before the responder thread reports
 * ready, so that V8 has optimised them before the first real request. Without it the first few
 * thousand answers run in V8's interpreter and baseline tiers, and those are exactly the answers
 * of a takeover: a node that takes an IP over has not answered for it before (its kernel filter
 * passed nothing until then). Throwaway responders, limiter and conflict detector; the answers
 * are dropped, nothing reaches a socket.
 */
import {
  arpFrameCodec,
  buildArpRequest,
  classifyFrame,
  EtherType,
  FrameKind,
  NdpMessageType,
  NO_VLAN_TAGS,
  ndpFrameCodec,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeAddress,
  solicitedNodeMulticastMac,
  sourceLinkLayerAddressOption,
} from '@baremetal-lb/arp-wire';
import { ArpResponder } from '../responder/arp-responder.ts';
import { ConflictDetector } from '../responder/conflict-detector.ts';
import { FrameOutcome } from '../responder/frame-outcome.ts';
import { NdpResponder } from '../responder/ndp-responder.ts';
import { SourceRateLimiter, unlimitedRateLimitOptions } from '../responder/source-rate-limiter.ts';

/** Enough rounds for V8's optimising tier; about 20 ms at start-up on a slow core. */
export const defaultWarmUpRounds = 5000;

// Documentation addresses (RFC 5737, RFC 3849); never on a wire.
const OUR_MAC = parseMac('02:00:00:00:00:01');
const IPV4 = '192.0.2.1';
const IPV6 = '2001:db8::1';

function arpRequest(sourceMac: number): Uint8Array {
  return arpFrameCodec.encode(
    buildArpRequest({ senderMac: sourceMac, senderIp: parseIpv4('192.0.2.100'), targetIp: parseIpv4(IPV4) }),
  );
}

function neighborSolicitation(sourceMac: number): Uint8Array {
  const target = parseIpv6(IPV6);
  return ndpFrameCodec.encode({
    ethernet: {
      destination: solicitedNodeMulticastMac(target),
      source: sourceMac,
      vlanTags: NO_VLAN_TAGS,
      etherType: EtherType.ipv6,
    },
    ipv6: {
      trafficClass: 0,
      flowLabel: 0,
      source: parseIpv6('2001:db8::100'),
      destination: solicitedNodeAddress(target),
    },
    message: {
      type: NdpMessageType.neighborSolicitation,
      targetAddress: target,
      options: [sourceLinkLayerAddressOption(sourceMac)],
    },
    paddingLength: 0,
  });
}

/** Answers `rounds` ARP requests and `rounds` solicitations; returns how many were answered. */
export function warmUpResponders(rounds = defaultWarmUpRounds): number {
  let answered = 0;
  const common = {
    ifname: 'warm-up',
    mac: OUR_MAC,
    send: () => {},
    now: () => performance.now(),
    rateLimiter: new SourceRateLimiter(unlimitedRateLimitOptions),
    conflicts: new ConflictDetector(),
  };
  const arp = new ArpResponder(common);
  const ndp = new NdpResponder({ ...common, linkLocal: 'fe80::1' });
  arp.add(IPV4);
  ndp.add(IPV6);
  // A few source MACs, as on a real segment (the rate limiter keys on them).
  const sources = Array.from({ length: 8 }, (_, i) => 0x020000000100 + i);
  const pairs = sources.map((mac) => [arpRequest(mac), neighborSolicitation(mac)] as const);
  for (let i = 0; i < rounds; i++) {
    for (const frame of pairs[i % pairs.length]!) {
      const kind = classifyFrame(frame);
      const outcome = kind === FrameKind.arp ? arp.handleFrame(frame) : ndp.handleFrame(frame);
      if (outcome === FrameOutcome.replied) answered++;
    }
  }
  return answered;
}
