import {
  ArpOperation,
  arpFrameCodec,
  BROADCAST_MAC,
  buildUnsolicitedNeighborAdvertisement,
  EtherType,
  NO_VLAN_TAGS,
  ndpFrameCodec,
  parseIpv6,
  vlanTag,
} from '@baremetal-lb/arp-wire';
import { runBpf } from '@baremetal-lb/packet-socket';
import { describe, expect, it } from 'vitest';
import { neighborFilter } from './neighbor-filter.ts';

const program = neighborFilter();

function arp(operation: ArpOperation, vlanTags = NO_VLAN_TAGS) {
  return arpFrameCodec.encode({
    ethernet: { destination: BROADCAST_MAC, source: 2, vlanTags, etherType: EtherType.arp },
    arp: { operation, senderMac: 2, senderIp: 1, targetMac: 0, targetIp: 3 },
    paddingLength: 18 - 4 * vlanTags.length,
  });
}

describe('neighborFilter', () => {
  it('accepts untagged ARP requests and replies', () => {
    expect(runBpf(program, arp(ArpOperation.request))).toBeGreaterThan(0);
    expect(runBpf(program, arp(ArpOperation.reply))).toBeGreaterThan(0);
  });

  it('accepts NA and drops other IPv6', () => {
    const na = ndpFrameCodec.encode(
      buildUnsolicitedNeighborAdvertisement({ mac: 2, targetAddress: parseIpv6('2001:db8::1') }),
    );
    expect(runBpf(program, na)).toBeGreaterThan(0);
    const echo = Buffer.from(na);
    echo[54] = 128; // ICMPv6 echo request
    expect(runBpf(program, echo)).toBe(0);
  });

  it('drops tagged frames, in place or in metadata', () => {
    expect(runBpf(program, arp(ArpOperation.request, [vlanTag(10)]))).toBe(0);
    expect(runBpf(program, arp(ArpOperation.request), { vlanTci: 10 })).toBe(0);
  });
});
