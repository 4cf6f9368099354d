import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildArpProbe,
  buildArpReply,
  buildArpRequest,
  buildGratuitousArpReply,
  buildGratuitousArpRequest,
  encodeArpReplyInto,
} from './arp-builders.ts';
import { arpFrameCodec, decodeArpFrame } from './arp-frame.ts';
import { ArpOperation, isArpProbe, isGratuitousArp } from './arp-packet.ts';
import { ArpWireError, ArpWireErrorCode } from './errors.ts';
import { vlanTag } from './ethernet-header.ts';
import { parseIpv4 } from './ipv4-address.ts';
import { BROADCAST_MAC, parseMac, ZERO_MAC } from './mac-address.ts';
import { arpFrameArbitrary, macArbitrary } from './testing/arbitraries.ts';
import { readVector } from './testing/vector-file.ts';

const ourMac = parseMac('00:00:5e:00:53:0a');

describe('ARP reply (RFC 826)', () => {
  it('answers the captured request: unicast to the requester, sender = us and the asked IP', () => {
    const request = decodeArpFrame(readVector('arp-request'));
    const reply = buildArpReply(request, ourMac);
    expect(reply.ethernet).toEqual({
      destination: parseMac('00:00:5e:00:53:01'),
      source: ourMac,
      vlanTags: [],
      etherType: 0x0806,
    });
    expect(reply.arp).toEqual({
      operation: ArpOperation.reply,
      senderMac: ourMac,
      senderIp: parseIpv4('192.0.2.2'),
      targetMac: parseMac('00:00:5e:00:53:01'),
      targetIp: parseIpv4('192.0.2.1'),
    });
    expect(arpFrameCodec.encode(reply)).toHaveLength(60);
  });

  it('equals what the kernel answered, apart from the MAC and the padding', () => {
    const request = decodeArpFrame(readVector('arp-request'));
    const kernel = decodeArpFrame(readVector('arp-reply-padded'));
    const reply = buildArpReply(request, parseMac('00:00:5e:00:53:02'));
    expect(arpFrameCodec.encode(reply)).toEqual(arpFrameCodec.encode(kernel));
  });

  it('stays on the request VLAN', () => {
    const request = decodeArpFrame(readVector('arp-request-qinq'));
    expect(buildArpReply(request, ourMac).ethernet.vlanTags).toEqual(request.ethernet.vlanTags);
  });

  it('encodeArpReplyInto writes exactly the bytes of buildArpReply for any request', () => {
    fc.assert(
      fc.property(arpFrameArbitrary, macArbitrary, fc.nat(16), (request, mac, offset) => {
        const direct = new Uint8Array(100).fill(0xcc);
        const length = encodeArpReplyInto(request, mac, direct, offset);
        const built = arpFrameCodec.encode(buildArpReply(request, mac));
        expect(length).toBe(60);
        expect(Buffer.from(direct.subarray(offset, offset + length)).equals(built)).toBe(true);
        expect(direct[offset + length]).toBe(0xcc);
      }),
    );
  });

  it('refuses a buffer that is too small', () => {
    const request = decodeArpFrame(readVector('arp-request'));
    try {
      encodeArpReplyInto(request, ourMac, new Uint8Array(64), 5);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ArpWireError);
      expect((error as ArpWireError).code).toBe(ArpWireErrorCode.encodeBufferTooSmall);
    }
  });
});

describe('gratuitous ARP', () => {
  const ip = parseIpv4('192.0.2.10');

  it('request: broadcast announcement with a zero target MAC (RFC 5227 2.3)', () => {
    const frame = buildGratuitousArpRequest({ mac: ourMac, ip });
    expect(frame.ethernet.destination).toBe(BROADCAST_MAC);
    expect(frame.arp).toEqual({
      operation: 1,
      senderMac: ourMac,
      senderIp: ip,
      targetMac: ZERO_MAC,
      targetIp: ip,
    });
    expect(isGratuitousArp(frame.arp)).toBe(true);
    expect(arpFrameCodec.encode(frame)).toHaveLength(60);
  });

  it('reply: broadcast with our MAC as target too (RFC 5944 4.6), on the given VLAN', () => {
    const frame = buildGratuitousArpReply({ mac: ourMac, ip, vlanTags: [vlanTag(100)] });
    expect(frame.ethernet.destination).toBe(BROADCAST_MAC);
    expect(frame.arp).toEqual({
      operation: 2,
      senderMac: ourMac,
      senderIp: ip,
      targetMac: ourMac,
      targetIp: ip,
    });
    const encoded = arpFrameCodec.encode(frame);
    expect(encoded).toHaveLength(60);
    expect(decodeArpFrame(encoded)).toEqual(frame);
  });

  it('has the layout of the frames arping -U and -A sent, apart from the target MAC arping puts there', () => {
    const captured = decodeArpFrame(readVector('arp-gratuitous-request'));
    const built = buildGratuitousArpRequest({ mac: captured.arp.senderMac, ip: captured.arp.senderIp });
    expect({ ...built.arp, targetMac: captured.arp.targetMac }).toEqual(captured.arp);
    expect(built.ethernet.destination).toBe(captured.ethernet.destination);
  });
});

describe('ARP request (RFC 826)', () => {
  it('matches the request arping sent, apart from the target MAC arping puts there', () => {
    const captured = decodeArpFrame(readVector('arp-request'));
    const built = buildArpRequest({
      senderMac: captured.arp.senderMac,
      senderIp: captured.arp.senderIp,
      targetIp: captured.arp.targetIp,
    });
    expect({ ...built.arp, targetMac: captured.arp.targetMac }).toEqual(captured.arp);
    expect(built.arp.targetMac).toBe(ZERO_MAC);
    expect(built.ethernet).toEqual(captured.ethernet);
    expect(arpFrameCodec.encode(built)).toHaveLength(60);
  });

  it('carries VLAN tags within the same 60 bytes', () => {
    const built = buildArpRequest({
      senderMac: 0x020000000001,
      senderIp: 0xc0000201,
      targetIp: 0xc0000202,
      vlanTags: [{ tpid: 0x8100, priority: 0, dropEligible: false, id: 7 }],
    });
    const encoded = arpFrameCodec.encode(built);
    expect(encoded).toHaveLength(60);
    expect(decodeArpFrame(encoded).ethernet.vlanTags).toEqual(built.ethernet.vlanTags);
  });
});

describe('ARP probe (RFC 5227 2.1.1)', () => {
  it('matches what arping -D sent, apart from the target MAC arping puts there', () => {
    const captured = decodeArpFrame(readVector('arp-probe'));
    const built = buildArpProbe({ mac: captured.arp.senderMac, ip: captured.arp.targetIp });
    expect(isArpProbe(built.arp)).toBe(true);
    expect({ ...built.arp, targetMac: captured.arp.targetMac }).toEqual(captured.arp);
    expect(built.arp.targetMac).toBe(ZERO_MAC);
    expect(built.ethernet.destination).toBe(BROADCAST_MAC);
    expect(arpFrameCodec.encode(built)).toHaveLength(60);
  });
});
