import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv6 } from './ipv6-address.ts';
import { formatMac, parseMac } from './mac-address.ts';
import {
  buildSolicitedNeighborAdvertisement,
  buildUnsolicitedNeighborAdvertisement,
  isNeighborSolicitationFrame,
  type NeighborSolicitationFrame,
} from './ndp-builders.ts';
import { decodeNdpFrame, type NdpFrame, ndpFrameCodec } from './ndp-frame.ts';
import { NdpMessageType } from './ndp-message.ts';
import { readVector } from './testing/vector-file.ts';

const mac = parseMac('00:00:5e:00:53:0a');
const linkLocal = parseIpv6('fe80::200:5eff:fe00:530a');

function solicitation(name: string): NeighborSolicitationFrame {
  const frame = decodeNdpFrame(readVector(name));
  if (!isNeighborSolicitationFrame(frame)) throw new Error(`${name} is not an NS`);
  return frame;
}

function advertisementOf(frame: NdpFrame) {
  if (frame.message.type !== NdpMessageType.neighborAdvertisement) throw new Error('not an NA');
  return frame.message;
}

describe('solicited Neighbor Advertisement (RFC 4861 7.2.4)', () => {
  it('answers ndisc6: to the NS source and its link-layer address, Solicited set, Override clear', () => {
    const ns = solicitation('ndp-neighbor-solicitation');
    const na = buildSolicitedNeighborAdvertisement(ns, { mac, sourceAddress: linkLocal });
    expect(formatMac(na.ethernet.destination)).toBe('00:00:5e:00:53:01');
    expect(formatIpv6(na.ipv6.destination)).toBe('fe80::200:5eff:fe00:5301');
    expect(formatIpv6(na.ipv6.source)).toBe('fe80::200:5eff:fe00:530a');
    const message = advertisementOf(na);
    expect(message).toMatchObject({ router: false, solicited: true, override: false });
    expect(formatIpv6(message.targetAddress)).toBe('2001:db8::2');
    expect(message.options).toEqual([{ kind: 'targetLinkLayerAddress', mac }]);
    expect(decodeNdpFrame(ndpFrameCodec.encode(na))).toEqual(na);
  });

  it('answers DAD to all-nodes with Solicited clear', () => {
    const na = buildSolicitedNeighborAdvertisement(solicitation('ndp-dad-solicitation'), {
      mac,
      override: true,
    });
    expect(formatMac(na.ethernet.destination)).toBe('33:33:00:00:00:01');
    expect(formatIpv6(na.ipv6.destination)).toBe('ff02::1');
    // Without sourceAddress the target itself is the source.
    expect(formatIpv6(na.ipv6.source)).toBe('2001:db8::3');
    expect(advertisementOf(na)).toMatchObject({ solicited: false, override: true });
    expect(() => decodeNdpFrame(ndpFrameCodec.encode(na))).not.toThrow();
  });

  it('answers a solicitation without a link-layer option at its Ethernet source, on its VLAN', () => {
    const ns = solicitation('ndp-neighbor-solicitation-vlan');
    const bare: NeighborSolicitationFrame = { ...ns, message: { ...ns.message, options: [] } };
    const na = buildSolicitedNeighborAdvertisement(bare, { mac, sourceAddress: linkLocal });
    expect(na.ethernet.destination).toBe(ns.ethernet.source);
    expect(na.ethernet.vlanTags).toEqual(ns.ethernet.vlanTags);
  });

  it('shares no memory with the solicitation or the options', () => {
    const ns = solicitation('ndp-neighbor-solicitation');
    const source = parseIpv6('fe80::1');
    const na = buildSolicitedNeighborAdvertisement(ns, { mac, sourceAddress: source });
    ns.ipv6.source.fill(0);
    ns.message.targetAddress.fill(0);
    source.fill(0);
    expect(formatIpv6(na.ipv6.destination)).toBe('fe80::200:5eff:fe00:5301');
    expect(formatIpv6(advertisementOf(na).targetAddress)).toBe('2001:db8::2');
    expect(formatIpv6(na.ipv6.source)).toBe('fe80::1');
  });

  it('matches the fields of the advertisement the kernel sent, bar the MAC and Override', () => {
    const ns = solicitation('ndp-neighbor-solicitation');
    const kernel = decodeNdpFrame(readVector('ndp-neighbor-advertisement'));
    const na = buildSolicitedNeighborAdvertisement(ns, {
      mac: kernel.ethernet.source,
      sourceAddress: kernel.ipv6.source,
      override: true,
    });
    expect(ndpFrameCodec.encode(na)).toEqual(ndpFrameCodec.encode(kernel));
  });
});

describe('unsolicited Neighbor Advertisement (RFC 4861 7.2.6)', () => {
  it('goes to ff02::1 with Override set and Solicited clear, like the kernel after DAD', () => {
    const kernel = decodeNdpFrame(readVector('ndp-unsolicited-advertisement'));
    const na = buildUnsolicitedNeighborAdvertisement({
      mac: kernel.ethernet.source,
      targetAddress: parseIpv6('2001:db8::3'),
    });
    expect(ndpFrameCodec.encode(na)).toEqual(ndpFrameCodec.encode(kernel));
  });
});
