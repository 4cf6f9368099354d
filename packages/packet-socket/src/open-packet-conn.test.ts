import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { checkPrerequisites, createLab, type Lab } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, assemble, drop, jumpIfEqual, load } from './bpf/bpf-assembler.ts';
import { arpRequestFilter, neighborSolicitationFilter } from './bpf/bpf-filters.ts';
import type { BpfProgram } from './bpf/bpf-instruction.ts';
import { runBpf } from './bpf/run-bpf.ts';
import { openPacketConn } from './open-packet-conn.ts';
import { ConnClosedError, SocketError } from './packet-socket-error.ts';
import { collectFrames } from './testing/collect-frames.ts';
import { sampleArp, sampleIcmpv6, sampleIpv4 } from './testing/sample-frames.ts';

const ready = checkPrerequisites('packet-socket kernel tests', {
  root: true,
  commands: [{ name: 'ip', debianPackage: 'iproute2' }],
});

/** IEEE 802 "local experimental" EtherType: nothing else on the link uses it. */
const etherTypeTest = 0x88b5;
const onlyTestFrames: BpfProgram = assemble([
  load('half', 12),
  jumpIfEqual(etherTypeTest, 'ok', 'no'),
  { kind: 'label', name: 'no' },
  drop(),
  { kind: 'label', name: 'ok' },
  accept(),
]);

function testFrame(destination: string, length: number, vlan?: number): Buffer {
  const dst = Buffer.from(destination.split(':').map((h) => Number.parseInt(h, 16)));
  const tag = vlan === undefined ? Buffer.alloc(0) : Buffer.from([0x81, 0x00, vlan >> 8, vlan & 0xff]);
  const header = Buffer.concat([
    dst,
    Buffer.from([2, 0, 0, 0, 0, 9]),
    tag,
    Buffer.from([etherTypeTest >> 8, etherTypeTest & 0xff]),
  ]);
  return Buffer.concat([header, randomBytes(Math.max(0, length - header.length))]);
}

const collect = collectFrames;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!ready)('openPacketConn (as root, veth pair between two namespaces)', () => {
  let lab: Lab;
  let a: string;
  let b: string;
  let bMac: string;

  beforeAll(async () => {
    lab = await createLab({ nodes: ['a', 'b'], bridge: 'none' });
    a = lab.nodes[0]!.namespace;
    b = lab.nodes[1]!.namespace;
    bMac = lab.nodes[1]!.mac;
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('delivers frames byte-identical, single and batched, with 802.1Q tags in place', async () => {
    const tx = openPacketConn('eth0', { netns: a });
    const rx = openPacketConn('eth0', { netns: b, filter: onlyTestFrames });
    try {
      const sent = [
        ...Array.from({ length: 50 }, (_, i) => testFrame(bMac, 60 + i * 29)),
        testFrame('ff:ff:ff:ff:ff:ff', 1514),
        testFrame(bMac, 64, 7),
        testFrame(bMac, 1518, 4094),
      ];
      const received = collect(rx, sent.length * 2);
      await settle(20);
      for (const frame of sent.slice(0, 10)) tx.send(frame);
      expect(tx.sendBatch(sent.slice(10))).toBe(sent.length - 10);
      expect(tx.sendBatch(sent)).toBe(sent.length);
      const frames = await received;
      expect(frames.map((f) => f.toString('hex'))).toEqual([...sent, ...sent].map((f) => f.toString('hex')));
    } finally {
      await Promise.all([tx.close(), rx.close()]);
    }
  });

  it('drops in the kernel what the BPF filter rejects, agreeing with runBpf frame by frame', async () => {
    const tx = openPacketConn('eth0', { netns: a });
    const arp = openPacketConn('eth0', { netns: b, filter: arpRequestFilter() });
    const ns7 = openPacketConn('eth0', { netns: b, filter: neighborSolicitationFilter({ vlan: 7 }) });
    try {
      const sent: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const marker = { marker: i };
        sent.push(
          [
            sampleArp(1, marker),
            sampleArp(2, marker),
            sampleIpv4(marker),
            sampleArp(1, { ...marker, vlan: 7 }),
          ][i % 4]!,
          [
            sampleIcmpv6(135, { ...marker, vlan: 7 }),
            sampleIcmpv6(135, { ...marker, vlan: 8 }),
            sampleIcmpv6(135, marker),
            sampleIcmpv6(136, { ...marker, vlan: 7 }),
          ][i % 4]!,
        );
      }
      const arpFrames = collect(arp, sent.length);
      const nsFrames = collect(ns7, sent.length);
      await settle(20);
      expect(tx.sendBatch(sent)).toBe(sent.length);
      const [gotArp, gotNs] = await Promise.all([arpFrames, nsFrames]);
      const expectArp = sent.filter((f) => runBpf(arpRequestFilter(), f) > 0);
      const expectNs = sent.filter((f) => runBpf(neighborSolicitationFilter({ vlan: 7 }), f) > 0);
      expect(expectArp).toHaveLength(10);
      expect(expectNs).toHaveLength(10);
      expect(gotArp.map((f) => f.toString('hex'))).toEqual(expectArp.map((f) => f.toString('hex')));
      expect(gotNs.map((f) => f.toString('hex'))).toEqual(expectNs.map((f) => f.toString('hex')));
      // Counted: the kernel queued only what passed; the rest never reached the socket.
      expect(arp.stats().received).toBe(10);
      expect(sent.length - gotArp.length).toBe(70);
    } finally {
      await Promise.all([tx.close(), arp.close(), ns7.close()]);
    }
  });

  it('receives a multicast MAC only while a member (macvlan filters multicast by membership)', async () => {
    const host = lab.nodes[1]!;
    await host.exec('ip', ['link', 'add', 'mv0', 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge']);
    // No IPv6 on mv0, so it joins no solicited-node group of its own.
    await host.exec('sysctl', ['-qw', 'net.ipv6.conf.mv0.disable_ipv6=1']);
    await host.exec('ip', ['link', 'set', 'mv0', 'up']);
    const tx = openPacketConn('eth0', { netns: a });
    const rx = openPacketConn('mv0', { netns: b, filter: onlyTestFrames });
    const group = '33:33:ff:00:00:99';
    const round = async (marker: number) => {
      const frames = collect(rx, 5, 300);
      await settle(20);
      tx.sendBatch(Array.from({ length: 5 }, () => testFrame(group, 60 + marker)));
      return (await frames).length;
    };
    const groups = async () => (await host.exec('ip', ['maddr', 'show', 'dev', 'mv0'])).stdout;
    try {
      expect(await round(0)).toBe(0);
      rx.addMembership(group);
      expect(await groups()).toContain(group);
      expect(await round(1)).toBe(5);
      rx.dropMembership(group);
      expect(await groups()).not.toContain(group);
      // macvlan recomputes its multicast hash filter on the next rx-mode change, not on a
      // delete (observed on Linux 6.18): toggle allmulticast to make it apply the new list.
      await host.exec('ip', ['link', 'set', 'mv0', 'allmulticast', 'on']);
      await host.exec('ip', ['link', 'set', 'mv0', 'allmulticast', 'off']);
      expect(await round(2)).toBe(0);
      expect(() => rx.addMembership('33:33:ff')).toThrow(/MAC address/);
    } finally {
      await Promise.all([tx.close(), rx.close()]);
      await host.exec('ip', ['link', 'delete', 'mv0']);
    }
  });

  it('throws a typed ENETDOWN when sending on an interface that went down', async () => {
    const tx = openPacketConn('eth0', { netns: a });
    const host = lab.nodes[0]!;
    try {
      await host.exec('ip', ['link', 'set', 'eth0', 'down']);
      const error = (() => {
        try {
          tx.send(testFrame(bMac, 60));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(SocketError);
      expect(error).toMatchObject({ code: 'ENETDOWN', op: 'send', ifname: 'eth0', errno: 100 });
      expect(() => tx.sendBatch([testFrame(bMac, 60)])).toThrow(
        expect.objectContaining({ code: 'ENETDOWN', op: 'sendBatch' }),
      );
    } finally {
      await host.exec('ip', ['link', 'set', 'eth0', 'up']);
      await tx.close();
    }
    expect(() => tx.send(testFrame(bMac, 60))).toThrow(ConnClosedError);
  });

  it('keeps receiving across the interface going down and up again', async () => {
    const host = lab.nodes[1]!;
    const tx = openPacketConn('eth0', { netns: a });
    const rx = openPacketConn('eth0', { netns: b, filter: onlyTestFrames });
    try {
      const first = collect(rx, 3);
      await settle(20);
      tx.sendBatch([testFrame(bMac, 60), testFrame(bMac, 61), testFrame(bMac, 62)]);
      expect(await first).toHaveLength(3);
      const later = collect(rx, 2, 3000);
      await host.exec('ip', ['link', 'set', 'eth0', 'down']);
      await settle(50);
      await host.exec('ip', ['link', 'set', 'eth0', 'up']);
      await settle(50);
      tx.sendBatch([testFrame(bMac, 70), testFrame(bMac, 71)]);
      expect((await later).map((f) => f.length)).toEqual([70, 71]);
    } finally {
      await Promise.all([tx.close(), rx.close()]);
    }
  });

  it('applies backpressure to a slow consumer without losing frames the socket buffer holds', async () => {
    const tx = openPacketConn('eth0', { netns: a });
    const rx = openPacketConn('eth0', {
      netns: b,
      filter: onlyTestFrames,
      batchFrames: 4,
      receiveBufferBytes: 16 * 2 ** 20,
    });
    try {
      const sent = Array.from({ length: 2000 }, (_, i) => {
        const frame = testFrame(bMac, 64);
        frame.writeUInt32BE(i, 14);
        return frame;
      });
      const got: number[] = [];
      const reading = (async () => {
        for await (const batch of rx.receive({ highWaterMarkFrames: 8 })) {
          for (const frame of batch) got.push(frame.readUInt32BE(14));
          await settle(1); // a slow consumer: the kernel holds the rest meanwhile
          if (got.length === sent.length) break;
        }
      })();
      expect(tx.sendBatch(sent)).toBe(sent.length);
      await reading;
      expect(got).toEqual(sent.map((_, i) => i));
      expect(rx.stats().dropped).toBe(0);
    } finally {
      await Promise.all([tx.close(), rx.close()]);
    }
  });

  it('closes safely with frames in flight, from inside and outside the receive loop', async () => {
    const tx = openPacketConn('eth0', { netns: a });
    const burst = Array.from({ length: 256 }, () => testFrame(bMac, 200));
    try {
      for (let round = 0; round < 100; round++) {
        const rx = openPacketConn('eth0', { netns: b, filter: onlyTestFrames, batchFrames: 8 });
        const iterator = rx.receive();
        tx.sendBatch(burst);
        if (round % 2 === 0) {
          const first = await iterator.next();
          expect(first.done).toBe(false);
          const closed = rx.close(); // inside the loop, with more batches pending in the kernel
          tx.sendBatch(burst);
          await closed;
        } else {
          setImmediate(() => tx.sendBatch(burst));
          await rx.close();
          await rx.close();
        }
        for (;;) if ((await iterator.next()).done) break;
        expect(rx.closed).toBe(true);
      }
    } finally {
      await tx.close();
    }
  });

  it('opens and closes 10,000 times without leaking (RSS stable)', { timeout: 60_000 }, async () => {
    const cycle = async (i: number) => {
      const conn = openPacketConn('eth0', { netns: b, filter: arpRequestFilter() });
      if (i % 2 === 0) conn.receive();
      await conn.close();
    };
    for (let i = 0; i < 500; i++) await cycle(i);
    await settle(200); // the kernel releases closed packet sockets in the background
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 10_000; i++) await cycle(i);
    await settle(200);
    const growthMiB = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(growthMiB).toBeLessThan(32);
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore + 2);
  });
});
