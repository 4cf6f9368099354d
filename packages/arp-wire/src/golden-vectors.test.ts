import { describe, expect, it } from 'vitest';
import { decodeArpFrame, encodeArpFrameInto } from './arp-frame.ts';
import { ArpOperation, isArpProbe, isGratuitousArp } from './arp-packet.ts';
import { classifyFrame, FrameKind } from './classify-frame.ts';
import { formatIpv4 } from './ipv4-address.ts';
import { formatIpv6 } from './ipv6-address.ts';
import { formatMac } from './mac-address.ts';
import { decodeNdpFrame, ndpFrameCodec } from './ndp-frame.ts';
import { NdpMessageType } from './ndp-message.ts';
import { listVectors, readVector } from './testing/vector-file.ts';

const names = listVectors();

describe('golden vectors captured from arping, ndisc6 and the kernel (test/vectors)', () => {
  it('has the expected set of vectors', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'arp-request',
        'arp-reply',
        'arp-reply-padded',
        'arp-gratuitous-request',
        'arp-gratuitous-reply',
        'arp-probe',
        'arp-request-vlan',
        'arp-request-qinq',
        'ndp-neighbor-solicitation',
        'ndp-neighbor-advertisement',
        'ndp-neighbor-solicitation-vlan',
        'ndp-dad-solicitation',
        'ndp-unsolicited-advertisement',
      ]),
    );
  });

  it.each(names)('%s decodes and re-encodes byte for byte', (name) => {
    const frame = readVector(name);
    const out = new Uint8Array(frame.length + 8).fill(0xaa);
    const kind = classifyFrame(frame);
    let written: number;
    if (kind === FrameKind.arp) written = encodeArpFrameInto(decodeArpFrame(frame), out, 4);
    else written = ndpFrameCodec.encodeInto(decodeNdpFrame(frame), out, 4);
    expect(written).toBe(frame.length);
    expect(Buffer.from(out.subarray(4, 4 + written)).toString('hex')).toBe(
      Buffer.from(frame).toString('hex'),
    );
    // Nothing written outside the frame.
    expect(out[3]).toBe(0xaa);
    expect(out[4 + written]).toBe(0xaa);
  });

  it('decodes the ARP request from arping', () => {
    const { ethernet, arp, paddingLength } = decodeArpFrame(readVector('arp-request'));
    expect(formatMac(ethernet.destination)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(ethernet.source)).toBe('00:00:5e:00:53:01');
    expect(ethernet.vlanTags).toEqual([]);
    expect(arp.operation).toBe(ArpOperation.request);
    expect(formatIpv4(arp.senderIp)).toBe('192.0.2.1');
    expect(formatIpv4(arp.targetIp)).toBe('192.0.2.2');
    expect(paddingLength).toBe(0);
    expect(isArpProbe(arp)).toBe(false);
    expect(isGratuitousArp(arp)).toBe(false);
  });

  it('decodes the padded reply with its 18 pad bytes', () => {
    const { arp, paddingLength } = decodeArpFrame(readVector('arp-reply-padded'));
    expect(arp.operation).toBe(ArpOperation.reply);
    expect(formatMac(arp.senderMac)).toBe('00:00:5e:00:53:02');
    expect(paddingLength).toBe(18);
  });

  it('recognises the probe and the gratuitous forms (RFC 5227)', () => {
    expect(isArpProbe(decodeArpFrame(readVector('arp-probe')).arp)).toBe(true);
    for (const name of ['arp-gratuitous-request', 'arp-gratuitous-reply']) {
      const { arp } = decodeArpFrame(readVector(name));
      expect(isGratuitousArp(arp)).toBe(true);
      expect(formatIpv4(arp.senderIp)).toBe('192.0.2.1');
    }
  });

  it('decodes the 802.1Q tag and the 802.1ad outer tag', () => {
    expect(decodeArpFrame(readVector('arp-request-vlan')).ethernet.vlanTags).toEqual([
      { tpid: 0x8100, priority: 0, dropEligible: false, id: 100 },
    ]);
    expect(decodeArpFrame(readVector('arp-request-qinq')).ethernet.vlanTags).toEqual([
      { tpid: 0x88a8, priority: 0, dropEligible: false, id: 200 },
      { tpid: 0x8100, priority: 0, dropEligible: false, id: 100 },
    ]);
  });

  it('decodes the Neighbor Solicitation from ndisc6 with its Source Link-Layer Address', () => {
    const { ipv6, message } = decodeNdpFrame(readVector('ndp-neighbor-solicitation'));
    expect(message.type).toBe(NdpMessageType.neighborSolicitation);
    expect(formatIpv6(ipv6.source)).toBe('fe80::200:5eff:fe00:5301');
    expect(formatIpv6(ipv6.destination)).toBe('ff02::1:ff00:2');
    expect(formatIpv6(message.targetAddress)).toBe('2001:db8::2');
    expect(message.options).toEqual([{ kind: 'sourceLinkLayerAddress', mac: 0x00005e005301 }]);
  });

  it('decodes the solicited advertisement flags', () => {
    const { message } = decodeNdpFrame(readVector('ndp-neighbor-advertisement'));
    if (message.type !== NdpMessageType.neighborAdvertisement) throw new Error('expected an NA');
    expect({ router: message.router, solicited: message.solicited, override: message.override }).toEqual({
      router: false,
      solicited: true,
      override: true,
    });
    expect(message.options).toEqual([{ kind: 'targetLinkLayerAddress', mac: 0x00005e005302 }]);
  });

  it('decodes the DAD solicitation from :: and keeps its Nonce option (RFC 7527) raw', () => {
    const { ipv6, message } = decodeNdpFrame(readVector('ndp-dad-solicitation'));
    expect(formatIpv6(ipv6.source)).toBe('::');
    expect(formatIpv6(message.targetAddress)).toBe('2001:db8::3');
    expect(message.options).toHaveLength(1);
    const [nonce] = message.options;
    expect(nonce?.kind).toBe('raw');
    if (nonce?.kind === 'raw') {
      expect(nonce.type).toBe(14);
      expect(nonce.body).toHaveLength(6);
    }
  });

  it('decodes the unsolicited advertisement to all nodes', () => {
    const { ipv6, message } = decodeNdpFrame(readVector('ndp-unsolicited-advertisement'));
    expect(formatIpv6(ipv6.destination)).toBe('ff02::1');
    if (message.type !== NdpMessageType.neighborAdvertisement) throw new Error('expected an NA');
    expect(message.solicited).toBe(false);
    expect(message.override).toBe(true);
  });

  it('returns values that do not alias the input buffer', () => {
    const frame = readVector('ndp-dad-solicitation');
    const decoded = decodeNdpFrame(frame);
    const before = JSON.stringify(decoded, (_key, value) =>
      value instanceof Uint8Array ? [...value] : value,
    );
    frame.fill(0);
    const after = JSON.stringify(decoded, (_key, value) =>
      value instanceof Uint8Array ? [...value] : value,
    );
    expect(after).toBe(before);
  });
});
