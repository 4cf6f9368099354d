import { checkPrerequisites, createLab, type Lab } from '@baremetal-lb/lab';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { macBytes } from './mac-address.ts';
import {
  type NeighborConn,
  type NeighborCount,
  type NeighborPriorityChange,
  type NeighborResponder,
  openNeighborResponder,
} from './open-neighbor-responder.ts';
import { type LinuxPacketConn, openPacketConn } from './open-packet-conn.ts';
import { collectFrames } from './testing/collect-frames.ts';

const ready = checkPrerequisites('neighbor responder kernel tests', {
  root: true,
  commands: [{ name: 'ip', debianPackage: 'iproute2' }],
});

const vip = [198, 51, 100, 7];
const other = [198, 51, 100, 8];
const client = [198, 51, 100, 1];
const vip6 = ipv6('2001:db8::7');
const client6 = ipv6('2001:db8::1');
const broadcast = Buffer.alloc(6, 0xff);

function ipv6(text: string): Buffer {
  const [head, tail = ''] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const h = groups(head!);
  const t = groups(tail);
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}

function pad(frame: Buffer): Buffer {
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

function arp(
  op: number,
  fields: {
    dst: Buffer;
    src: Buffer;
    senderIp: number[];
    targetIp: number[];
    targetMac?: Buffer;
    hlen?: number;
  },
): Buffer {
  const body = Buffer.alloc(28);
  body.writeUInt16BE(1, 0);
  body.writeUInt16BE(0x0800, 2);
  body[4] = fields.hlen ?? 6;
  body[5] = 4;
  body.writeUInt16BE(op, 6);
  fields.src.copy(body, 8);
  Buffer.from(fields.senderIp).copy(body, 14);
  (fields.targetMac ?? Buffer.alloc(6)).copy(body, 18);
  Buffer.from(fields.targetIp).copy(body, 24);
  return pad(Buffer.concat([fields.dst, fields.src, Buffer.from([0x08, 0x06]), body]));
}

/** RFC 4443 §2.3 one's-complement sum over the pseudo-header and the message (0xffff when valid). */
function icmpv6Sum(packet: Buffer): number {
  const length = packet.readUInt16BE(4);
  let sum = length + 58;
  for (let i = 8; i < 40; i += 2) sum += packet.readUInt16BE(i);
  for (let i = 40; i < 40 + length; i += 2) sum += packet.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function ndp(
  type: 135 | 136,
  fields: {
    dst: Buffer;
    src: Buffer;
    from: Buffer;
    to: Buffer;
    target: Buffer;
    flags?: number;
    option?: Buffer;
  },
  corrupt = false,
): Buffer {
  const icmp = Buffer.concat([Buffer.alloc(24), fields.option ?? Buffer.alloc(0)]);
  icmp[0] = type;
  icmp[4] = fields.flags ?? 0;
  fields.target.copy(icmp, 8);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255;
  fields.from.copy(ip, 8);
  fields.to.copy(ip, 24);
  const packet = Buffer.concat([ip, icmp]);
  packet.writeUInt16BE(~icmpv6Sum(packet) & 0xffff, 42);
  if (corrupt) packet.writeUInt8(packet.readUInt8(60) ^ 1, 60);
  return Buffer.concat([fields.dst, fields.src, Buffer.from([0x86, 0xdd]), packet]);
}

const linkLayerOption = (type: 1 | 2, mac: Buffer) => Buffer.concat([Buffer.from([type, 1]), mac]);
const solicitedNodeMac = Buffer.from([0x33, 0x33, 0xff, 0x00, 0x00, 0x07]);
const solicitedNode = ipv6('ff02::1:ff00:7');

const collect = collectFrames;

/** ARP frames and Neighbor Advertisements (the kernel's own MLD reports and the like are not answers). */
const isNeighborReply = (f: Buffer) =>
  f.readUInt16BE(12) === 0x0806 || (f.readUInt16BE(12) === 0x86dd && f[20] === 58 && f[54] === 136);

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (frames: readonly Buffer[]) => frames.map((f) => f.toString('hex'));
const countOf = (counts: readonly NeighborCount[], kind: string, label: string) =>
  counts.filter(([k, l]) => k === kind && l === label).reduce((n, [, , c]) => n + c, 0);

describe.skipIf(!ready)('openNeighborResponder (as root, veth pair between two namespaces)', () => {
  let lab: Lab;
  let a: string;
  let b: string;
  let aMac: Buffer;
  let bMac: Buffer;
  let responder: NeighborResponder | undefined;
  let tx: LinuxPacketConn | undefined;
  let answering: NeighborConn | undefined;

  beforeAll(async () => {
    lab = await createLab({ nodes: ['a', 'b'], bridge: 'none' });
    a = lab.nodes[0]!.namespace;
    b = lab.nodes[1]!.namespace;
    aMac = Buffer.from(macBytes(lab.nodes[0]!.mac));
    bMac = Buffer.from(macBytes(lab.nodes[1]!.mac));
  });
  afterEach(async () => {
    await Promise.all([tx?.close(), answering?.close()]);
    responder?.close();
    [tx, answering, responder] = [undefined, undefined, undefined];
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  /** What reaches a: only answers count. */
  const answers = async () => (await collect(tx!)).filter(isNeighborReply);

  function start(options: Parameters<typeof openNeighborResponder>[0] = {}): void {
    responder = openNeighborResponder(options);
    answering = responder.attach(openPacketConn('eth0', { netns: b }), bMac);
    answering.setAnswered([
      { address: Uint8Array.from(vip), label: '198.51.100.7' },
      { address: vip6, label: '2001:db8::7' },
    ]);
    tx = openPacketConn('eth0', { netns: a });
  }

  it('answers an ARP request for an announced address with an RFC 826 reply, and nothing else', async () => {
    start();
    const replies = answers();
    const handedUp = collect(answering!);
    await settle(20);
    tx!.sendBatch([
      arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip }),
      arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: other }),
      arp(1, { dst: Buffer.from('020000000099', 'hex'), src: aMac, senderIp: client, targetIp: vip }),
      arp(2, { dst: bMac, src: aMac, senderIp: client, targetIp: other }),
    ]);
    const expected = arp(2, { dst: aMac, src: bMac, senderIp: vip, targetIp: client, targetMac: aMac });
    expect(hex(await replies)).toEqual(hex([expected]));
    expect(await handedUp).toEqual([]);
    const counts = responder!.takeCounts();
    expect(countOf(counts, 'arp', 'replied')).toBe(1);
    expect(countOf(counts, 'arp', 'notOurIp')).toBe(1);
    expect(countOf(counts, 'arp', 'wrongDestination')).toBe(1);
    expect(countOf(counts, 'arp', 'notRequest')).toBe(1);
    expect(countOf(counts, 'request', '198.51.100.7')).toBe(1);
    expect(countOf(counts, 'response', '198.51.100.7')).toBe(1);
    // Taken once: nothing is counted twice.
    expect(responder!.takeCounts()).toEqual([]);
  });

  it('hands up what it does not settle: claims of an announced address, tagged and malformed frames', async () => {
    start();
    const replies = answers();
    const handedUp = collect(answering!);
    await settle(20);
    const claim = arp(2, { dst: broadcast, src: aMac, senderIp: vip, targetIp: vip });
    const request = arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip });
    const tagged = Buffer.concat([
      request.subarray(0, 12),
      Buffer.from([0x81, 0x00, 0x00, 0x07]),
      request.subarray(12),
    ]);
    const malformed = arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip, hlen: 7 });
    const naClaim = ndp(136, {
      dst: Buffer.from('333300000001', 'hex'),
      src: aMac,
      from: client6,
      to: ipv6('ff02::1'),
      target: vip6,
      flags: 0x20,
      option: linkLayerOption(2, aMac),
    });
    tx!.sendBatch([claim, tagged, malformed, naClaim]);
    expect(hex(await handedUp)).toEqual(hex([claim, tagged, malformed, naClaim]));
    expect(await replies).toEqual([]);
  });

  it('answers a Neighbor Solicitation with a solicited NA from the target (checksum valid), and leaves DAD to the caller', async () => {
    start();
    const replies = answers();
    const handedUp = collect(answering!);
    await settle(20);
    const solicitation = (
      corrupt = false,
      from = client6,
      option: Buffer | undefined = linkLayerOption(1, aMac),
    ) =>
      ndp(
        135,
        {
          dst: solicitedNodeMac,
          src: aMac,
          from,
          to: solicitedNode,
          target: vip6,
          ...(option ? { option } : {}),
        },
        corrupt,
      );
    const badChecksum = solicitation(true);
    const dad = solicitation(false, Buffer.alloc(16), undefined);
    tx!.sendBatch([solicitation(), badChecksum, dad]);
    const got = await replies;
    expect(got).toHaveLength(1);
    const na = got[0]!;
    expect(na.subarray(0, 6)).toEqual(aMac);
    expect(na.subarray(6, 12)).toEqual(bMac);
    const packet = na.subarray(14);
    expect(packet.readUInt16BE(4)).toBe(32);
    expect([packet[6], packet[7]]).toEqual([58, 255]);
    expect(packet.subarray(8, 24)).toEqual(vip6);
    expect(packet.subarray(24, 40)).toEqual(client6);
    expect([packet[40], packet[41], packet[44]]).toEqual([136, 0, 0x40]);
    expect(packet.subarray(48, 64)).toEqual(vip6);
    expect(packet.subarray(64, 72)).toEqual(linkLayerOption(2, bMac));
    expect(icmpv6Sum(packet)).toBe(0xffff);
    expect(hex(await handedUp)).toEqual(hex([badChecksum, dad]));
    const counts = responder!.takeCounts();
    expect(countOf(counts, 'ndp', 'replied')).toBe(1);
    expect(countOf(counts, 'request', '2001:db8::7')).toBe(1);
  });

  it('limits each source to its rate before anything else', async () => {
    start({ rateLimit: { perSourcePerSecond: 1, burst: 5, maxSources: 16 } });
    const replies = answers();
    await settle(20);
    const request = arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip });
    tx!.sendBatch(new Array(20).fill(request));
    expect(await replies).toHaveLength(5);
    const counts = responder!.takeCounts();
    expect(countOf(counts, 'arp', 'rateLimited')).toBe(15);
    expect(countOf(counts, 'arp', 'replied')).toBe(5);
  });

  it('keeps the counts of an address it no longer answers, and stops answering it', async () => {
    start();
    const replies = answers();
    await settle(20);
    const request = arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip });
    tx!.send(request);
    await settle(100);
    answering!.setAnswered([]);
    tx!.send(request);
    expect(await replies).toHaveLength(1);
    const counts = responder!.takeCounts();
    expect(countOf(counts, 'response', '198.51.100.7')).toBe(1);
    expect(countOf(counts, 'arp', 'notOurIp')).toBe(1);
  });

  it('runs SCHED_FIFO, drops to the normal class over its CPU budget and takes realtime back after the cooldown', async () => {
    const changes: NeighborPriorityChange[] = [];
    start({
      realtime: { priority: 1, maxBusyShare: 1e-6, windowMs: 20, cooldownMs: 200 },
      onPriorityChange: (change) => changes.push(change),
    });
    expect(responder!.realtimeError).toBeUndefined();
    const request = arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip });
    tx!.sendBatch(new Array(200).fill(request));
    await settle(600);
    expect(changes[0]).toMatchObject({ realtime: false });
    expect(changes[0]!.busyShare).toBeGreaterThan(1e-6);
    expect(changes.slice(1)).toContainEqual(expect.objectContaining({ realtime: true }));
    // Idle and realtime again: the thread sleeps (its loop goes round about once a second).
    const beats = responder!.beats();
    await settle(1100);
    expect(responder!.beats() - beats).toBeGreaterThanOrEqual(1);
    expect(responder!.beats() - beats).toBeLessThanOrEqual(3);
  });

  it('hands up at most 8,192 frames that JavaScript has not taken yet, and drops the rest', async () => {
    responder = openNeighborResponder();
    // A receive buffer that holds the whole burst, so that only the thread's cap can drop.
    answering = responder.attach(
      openPacketConn('eth0', { netns: b, receiveBufferBytes: 16 * 2 ** 20 }),
      bMac,
    );
    answering.setAnswered([{ address: Uint8Array.from(vip), label: '198.51.100.7' }]);
    tx = openPacketConn('eth0', { netns: a });
    const handedUp = collect(answering);
    await settle(20);
    // Claims of the VIP (handed up), sent and left to arrive while this thread takes none: it
    // blocks (Atomics.wait) until the responder thread has read the whole burst.
    const claim = arp(2, { dst: broadcast, src: aMac, senderIp: vip, targetIp: vip });
    for (let sent = 0; sent < 10_000; )
      sent += tx.sendBatch(new Array(Math.min(1000, 10_000 - sent)).fill(claim));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    expect(await handedUp).toHaveLength(8192);
  });

  it('stops reading a connection once it is closed, and refuses the lent socket to receive()', async () => {
    start();
    const conn = openPacketConn('eth0', { netns: b });
    const second = responder!.attach(conn, bMac);
    expect(() => conn.receive()).toThrow(/already active/);
    await second.close();
    await answering!.close();
    const replies = answers();
    await settle(20);
    tx!.send(arp(1, { dst: broadcast, src: aMac, senderIp: client, targetIp: vip }));
    expect(await replies).toEqual([]);
  });
});
