/**
 * The native responder thread answers with exactly the bytes the speaker's own responders would
 * send (arp-wire's builders, which the golden-vector and tshark tests pin): requests built by
 * arp-wire go over a veth pair to the speaker's SpeakerResponders, and each answer is compared
 * with the one ArpResponder/NdpResponder would build for the same request.
 */
import {
  type ArpFrame,
  arpFrameCodec,
  buildArpRequest,
  buildSolicitedNeighborAdvertisement,
  decodeArpFrame,
  decodeNdpFrame,
  EtherType,
  encodeArpReplyInto,
  isNeighborSolicitationFrame,
  NdpMessageType,
  ndpFrameCodec,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeMulticastMac,
} from '@baremetal-lb/arp-wire';
import { checkPrerequisites, createLab, type Lab } from '@baremetal-lb/lab';
import { type LinuxPacketConn, openPacketConn } from '@baremetal-lb/packet-socket';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpeakerResponders } from '../../src/layer2/net/speaker-responders.ts';
import { SpeakerMetrics } from '../../src/observe/speaker-metrics.ts';

const ready = checkPrerequisites('native responder answers', {
  root: true,
  commands: [{ name: 'ip', debianPackage: 'iproute2' }],
});

const vip = '198.51.100.7';
const vip6 = '2001:db8::7';

async function answersTo(tx: LinuxPacketConn, request: Uint8Array, ourMac: number): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  const iterator = tx.receive();
  const done = new Promise((resolve) => setTimeout(resolve, 300));
  const reading = (async () => {
    for (;;) {
      const next = await Promise.race([iterator.next(), done.then(() => undefined)]);
      if (next === undefined || next.done) return;
      frames.push(...next.value);
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 20));
  tx.send(request);
  await reading;
  await iterator.return?.();
  // ARP replies and Neighbor Advertisements from the speaker's MAC: its kernel's own traffic
  // (MLD reports, from the same MAC) is not an answer.
  const isAnswer = (f: Buffer) =>
    f.readUInt16BE(12) === 0x0806 || (f.readUInt16BE(12) === 0x86dd && f[20] === 58 && f[54] === 136);
  return frames.filter((f) => f.readUIntBE(6, 6) === ourMac && isAnswer(f));
}

describe.skipIf(!ready)('the native responder thread, against the speaker responders’ bytes', () => {
  let lab: Lab;
  let responders: SpeakerResponders;
  let tx: LinuxPacketConn;
  let clientMac: number;
  let speakerMac: number;

  beforeAll(async () => {
    lab = await createLab({ nodes: ['client', 'speaker'], bridge: 'none' });
    clientMac = parseMac(lab.nodes[0]!.mac);
    speakerMac = parseMac(lab.nodes[1]!.mac);
    responders = SpeakerResponders.start(
      { requestRateLimit: 0, responderPriority: 0 },
      new SpeakerMetrics(),
      pino({ level: 'silent' }),
      { onConflict: () => {}, onHandedOver: () => {} },
      lab.nodes[1]!.namespace,
    );
    await responders.setInterfaces([
      {
        name: 'eth0',
        index: 0,
        mac: lab.nodes[1]!.mac,
        up: true,
        loopback: false,
        noArp: false,
        ipv4: ['198.51.100.2'],
        ipv6LinkLocal: ['fe80::2'],
      },
    ]);
    responders.add({ ip: vip, family: 4, ifname: 'eth0' });
    responders.add({ ip: vip6, family: 6, ifname: 'eth0' });
    tx = openPacketConn('eth0', { netns: lab.nodes[0]!.namespace });
  });
  afterAll(async () => {
    await tx?.close();
    await responders?.close();
    await lab?.destroy();
  });

  it('answers an ARP request with the bytes encodeArpReplyInto builds', async () => {
    const request = arpFrameCodec.encode(
      buildArpRequest({
        senderMac: clientMac,
        senderIp: parseIpv4('198.51.100.1'),
        targetIp: parseIpv4(vip),
      }),
    );
    const expected = new Uint8Array(64);
    const length = encodeArpReplyInto(decodeArpFrame(request) as ArpFrame, speakerMac, expected, 0);
    const got = await answersTo(tx, request, speakerMac);
    expect(got.map((f) => f.toString('hex'))).toEqual([
      Buffer.from(expected.subarray(0, length)).toString('hex'),
    ]);
  });

  it('answers a Neighbor Solicitation with the bytes buildSolicitedNeighborAdvertisement builds', async () => {
    const target = parseIpv6(vip6);
    const request = ndpFrameCodec.encode({
      ethernet: {
        destination: solicitedNodeMulticastMac(target),
        source: clientMac,
        vlanTags: [],
        etherType: EtherType.ipv6,
      },
      ipv6: {
        trafficClass: 0,
        flowLabel: 0,
        source: parseIpv6('2001:db8::1'),
        destination: parseIpv6('ff02::1:ff00:7'),
      },
      message: {
        type: NdpMessageType.neighborSolicitation,
        targetAddress: target,
        options: [{ kind: 'sourceLinkLayerAddress', mac: clientMac }],
      },
      paddingLength: 0,
    });
    const decoded = decodeNdpFrame(request);
    if (!isNeighborSolicitationFrame(decoded)) throw new Error('not a solicitation');
    const expected = ndpFrameCodec.encode(buildSolicitedNeighborAdvertisement(decoded, { mac: speakerMac }));
    const got = await answersTo(tx, request, speakerMac);
    expect(got.map((f) => f.toString('hex'))).toEqual([Buffer.from(expected).toString('hex')]);
  });
});
