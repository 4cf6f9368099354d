/**
 * Cross-checks this package's decoding of the golden vectors, and the frames its builders produce,
 * against Wireshark's dissectors: the vectors go into a pcap file, `tshark -T fields` reads it.
 */
import { checkPrerequisites } from '@baremetal-lb/lab';
import { describe, expect, it } from 'vitest';
import { buildArpReply, buildGratuitousArpReply, buildGratuitousArpRequest } from './arp-builders.ts';
import { arpFrameCodec, decodeArpFrame } from './arp-frame.ts';
import { classifyFrame, FrameKind } from './classify-frame.ts';
import { formatIpv4, parseIpv4 } from './ipv4-address.ts';
import { formatIpv6, parseIpv6 } from './ipv6-address.ts';
import { formatMac, parseMac } from './mac-address.ts';
import {
  buildSolicitedNeighborAdvertisement,
  buildUnsolicitedNeighborAdvertisement,
  isNeighborSolicitationFrame,
} from './ndp-builders.ts';
import { decodeNdpFrame, ndpFrameCodec } from './ndp-frame.ts';
import { NdpMessageType } from './ndp-message.ts';
import { findLinkLayerAddress } from './ndp-option.ts';
import { dissectWithTshark } from './testing/dissect-with-tshark.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

const ready = checkPrerequisites('arp-wire tshark cross-check', {
  commands: [{ name: 'tshark', debianPackage: 'tshark' }],
});

const FIELDS = [
  'eth.dst',
  'eth.src',
  'ieee8021ad.id',
  'vlan.id',
  'arp.opcode',
  'arp.src.hw_mac',
  'arp.src.proto_ipv4',
  'arp.dst.hw_mac',
  'arp.dst.proto_ipv4',
  'ipv6.src',
  'ipv6.dst',
  'ipv6.hlim',
  'icmpv6.type',
  'icmpv6.checksum.status',
  'icmpv6.nd.na.flag.r',
  'icmpv6.nd.na.flag.s',
  'icmpv6.nd.na.flag.o',
  'icmpv6.nd.ns.target_address',
  'icmpv6.nd.na.target_address',
  'icmpv6.opt.src_linkaddr',
  'icmpv6.opt.target_linkaddr',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** tshark's view of each frame, one row per frame. */
function dissect(frames: readonly Uint8Array[]): Row[] {
  return dissectWithTshark(frames, FIELDS);
}

const flag = (value: boolean) => (value ? '1' : '0');

/** The row tshark should print for `frame`, computed from this package's decoder. */
function expectedRow(frame: Uint8Array): Partial<Row> {
  const kind = classifyFrame(frame);
  if (kind === FrameKind.arp) {
    const { ethernet, arp } = decodeArpFrame(frame);
    const sTags = ethernet.vlanTags.filter((tag) => tag.tpid === 0x88a8);
    const cTags = ethernet.vlanTags.filter((tag) => tag.tpid === 0x8100);
    return {
      'eth.dst': formatMac(ethernet.destination),
      'eth.src': formatMac(ethernet.source),
      'ieee8021ad.id': sTags.map((tag) => tag.id).join(','),
      'vlan.id': cTags.map((tag) => tag.id).join(','),
      'arp.opcode': `${arp.operation}`,
      'arp.src.hw_mac': formatMac(arp.senderMac),
      'arp.src.proto_ipv4': formatIpv4(arp.senderIp),
      'arp.dst.hw_mac': formatMac(arp.targetMac),
      'arp.dst.proto_ipv4': formatIpv4(arp.targetIp),
    };
  }
  const { ethernet, ipv6, message } = decodeNdpFrame(frame);
  const na = message.type === NdpMessageType.neighborAdvertisement ? message : undefined;
  const sll = findLinkLayerAddress(message.options, 'sourceLinkLayerAddress');
  const tll = findLinkLayerAddress(message.options, 'targetLinkLayerAddress');
  return {
    'eth.dst': formatMac(ethernet.destination),
    'eth.src': formatMac(ethernet.source),
    'vlan.id': ethernet.vlanTags.map((tag) => tag.id).join(','),
    'ipv6.src': formatIpv6(ipv6.source),
    'ipv6.dst': formatIpv6(ipv6.destination),
    'ipv6.hlim': '255',
    'icmpv6.type': `${message.type}`,
    // 1 = "Good": Wireshark verified the checksum independently.
    'icmpv6.checksum.status': '1',
    'icmpv6.nd.na.flag.r': na ? flag(na.router) : '',
    'icmpv6.nd.na.flag.s': na ? flag(na.solicited) : '',
    'icmpv6.nd.na.flag.o': na ? flag(na.override) : '',
    'icmpv6.nd.ns.target_address': na ? '' : formatIpv6(message.targetAddress),
    'icmpv6.nd.na.target_address': na ? formatIpv6(message.targetAddress) : '',
    'icmpv6.opt.src_linkaddr': sll === undefined ? '' : formatMac(sll),
    'icmpv6.opt.target_linkaddr': tll === undefined ? '' : formatMac(tll),
  };
}

describe.skipIf(!ready)('tshark agrees with the decoder on the golden vectors', () => {
  const names = listVectors();
  const rows = ready ? dissect(names.map(readVector)) : [];

  it.each(names.map((name, index) => [name, index] as const))('%s', (name, index) => {
    expect(rows).toHaveLength(names.length);
    expect(rows[index]).toMatchObject(expectedRow(readVector(name)));
  });
});

describe.skipIf(!ready)('tshark reads the frames the builders produce', () => {
  const mac = parseMac('00:00:5e:00:53:0a');
  const request = decodeArpFrame(readVector('arp-request'));
  const solicitation = decodeNdpFrame(readVector('ndp-neighbor-solicitation'));
  const dad = decodeNdpFrame(readVector('ndp-dad-solicitation'));
  if (!isNeighborSolicitationFrame(solicitation) || !isNeighborSolicitationFrame(dad))
    throw new Error('not NS');
  const linkLocal = parseIpv6('fe80::200:5eff:fe00:530a');
  const built: Record<string, Uint8Array> = {
    'ARP reply': arpFrameCodec.encode(buildArpReply(request, mac)),
    'gratuitous ARP request': arpFrameCodec.encode(
      buildGratuitousArpRequest({ mac, ip: parseIpv4('192.0.2.10') }),
    ),
    'gratuitous ARP reply': arpFrameCodec.encode(
      buildGratuitousArpReply({ mac, ip: parseIpv4('192.0.2.10') }),
    ),
    'solicited NA': ndpFrameCodec.encode(
      buildSolicitedNeighborAdvertisement(solicitation, { mac, sourceAddress: linkLocal }),
    ),
    'NA answering DAD': ndpFrameCodec.encode(
      buildSolicitedNeighborAdvertisement(dad, { mac, sourceAddress: linkLocal }),
    ),
    'unsolicited NA': ndpFrameCodec.encode(
      buildUnsolicitedNeighborAdvertisement({
        mac,
        targetAddress: parseIpv6('2001:db8::10'),
        sourceAddress: linkLocal,
      }),
    ),
  };
  const names = Object.keys(built);
  const rows = ready ? dissect(Object.values(built)) : [];

  it.each(names.map((name, index) => [name, index] as const))('%s', (name, index) => {
    expect(rows[index]).toMatchObject(expectedRow(built[name]!));
  });

  it('pads ARP frames to the 60-byte minimum', () => {
    expect(built['ARP reply']).toHaveLength(60);
    expect(built['gratuitous ARP request']).toHaveLength(60);
  });
});
