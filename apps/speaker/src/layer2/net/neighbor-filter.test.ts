import {
  ArpOperation,
  arpFrameCodec,
  BROADCAST_MAC,
  buildUnsolicitedNeighborAdvertisement,
  EtherType,
  NO_VLAN_TAGS,
  ndpFrameCodec,
  parseIpv4,
  parseIpv6,
  vlanTag,
} from '@baremetal-lb/arp-wire';
import { type BpfProgram, runBpf } from '@baremetal-lb/packet-socket';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announcedFilter, neighborFilter } from './neighbor-filter.ts';

function arp(
  operation: ArpOperation,
  sender = '198.51.100.1',
  target = '198.51.100.2',
  vlanTags = NO_VLAN_TAGS,
) {
  return arpFrameCodec.encode({
    ethernet: { destination: BROADCAST_MAC, source: 2, vlanTags, etherType: EtherType.arp },
    arp: { operation, senderMac: 2, senderIp: parseIpv4(sender), targetMac: 0, targetIp: parseIpv4(target) },
    paddingLength: 18 - 4 * vlanTags.length,
  });
}

function na(target: string) {
  return ndpFrameCodec.encode(
    buildUnsolicitedNeighborAdvertisement({ mac: 2, targetAddress: parseIpv6(target) }),
  );
}

const passes = (program: BpfProgram, frame: Uint8Array, vlanTci?: number) =>
  runBpf(program, frame, vlanTci === undefined ? {} : { vlanTci }) > 0;

describe('neighborFilter', () => {
  const program = neighborFilter();
  it('accepts untagged ARP requests and replies, and NS/NA', () => {
    expect(passes(program, arp(ArpOperation.request))).toBe(true);
    expect(passes(program, arp(ArpOperation.reply))).toBe(true);
    expect(passes(program, na('2001:db8::1'))).toBe(true);
  });

  it('drops other ICMPv6 and tagged frames, in place or in metadata', () => {
    const echo = Buffer.from(na('2001:db8::1'));
    echo[54] = 128; // ICMPv6 echo request
    expect(passes(program, echo)).toBe(false);
    expect(passes(program, arp(ArpOperation.request, undefined, undefined, [vlanTag(10)]))).toBe(false);
    expect(passes(program, arp(ArpOperation.request), 10)).toBe(false);
  });
});

describe('announcedFilter', () => {
  it('keeps ARP about our IPv4 addresses (as target, or as sender for conflicts) and nothing else', () => {
    const program = announcedFilter(['198.51.100.200', '198.51.100.201'], []);
    expect(passes(program, arp(ArpOperation.request, '198.51.100.1', '198.51.100.201'))).toBe(true);
    expect(passes(program, arp(ArpOperation.reply, '198.51.100.200', '198.51.100.1'))).toBe(true);
    expect(passes(program, arp(ArpOperation.request, '198.51.100.1', '198.51.100.202'))).toBe(false);
    expect(passes(program, na('2001:db8::1'))).toBe(false);
  });

  it('keeps NS/NA for our IPv6 addresses only, comparing all 16 bytes', () => {
    const program = announcedFilter([], ['2001:db8::200', '2001:db8:5::1']);
    expect(passes(program, na('2001:db8::200'))).toBe(true);
    expect(passes(program, na('2001:db8:5::1'))).toBe(true);
    expect(passes(program, na('2001:db8::201'))).toBe(false);
    expect(passes(program, na('2001:db9::200'))).toBe(false);
    expect(passes(program, arp(ArpOperation.request))).toBe(false);
  });

  it('agrees with the announced set for any addresses (model check), up to the fallback sizes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 100 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 0xffff }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 254 }),
        fc.integer({ min: 1, max: 0xffff }),
        (v4, v6, probe4, probe6) => {
          const program = announcedFilter(
            v4.map((o) => `203.0.113.${o}`),
            v6.map((h) => `2001:db8::${h.toString(16)}`),
          );
          expect(passes(program, arp(ArpOperation.request, '198.51.100.1', `203.0.113.${probe4}`))).toBe(
            v4.includes(probe4),
          );
          expect(passes(program, na(`2001:db8::${probe6.toString(16)}`))).toBe(v6.includes(probe6));
        },
      ),
      { numRuns: process.env.FUZZ === '1' ? 2000 : 50 },
    );
  });

  it('assembles at the largest sizes it takes', () => {
    const v4 = Array.from({ length: 100 }, (_, i) => `203.0.113.${i + 1}`);
    const v6 = Array.from({ length: 25 }, (_, i) => `2001:db8::${i + 1}`);
    const program = announcedFilter(v4, v6);
    expect(passes(program, arp(ArpOperation.request, '198.51.100.1', '203.0.113.100'))).toBe(true);
    expect(passes(program, na('2001:db8::19'))).toBe(true);
    expect(passes(program, na('2001:db8::1a'))).toBe(false);
  });

  it('falls back to the generic filter past the jump range', () => {
    const many = Array.from({ length: 101 }, (_, i) => `203.0.113.${i + 1}`);
    expect(passes(announcedFilter(many, []), arp(ArpOperation.request, '198.51.100.1', '198.51.100.2'))).toBe(
      true,
    );
  });
});
