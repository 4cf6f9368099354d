/**
 * openBfdPacer: the pure schedule functions of native/bfd_schedule.h, and the pacer thread itself
 * on loopback (no root): periodic packets from its thread, immediate packets, the detection timer
 * restarted only by valid packets (source, TTL, session-independent rules), the watchdog, and the
 * thread ending with its worker. No timing is asserted except what the pacer reports about its own clock.
 */
import { once } from 'node:events';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MissingPrerequisiteError } from '@baremetal-lb/lab';
import { afterEach, describe, expect, it } from 'vitest';
import { isAddonAvailable } from './native-addon.ts';
import { type BfdPacer, bfdPacerSchedule, openBfdPacer, type PacedDatagram } from './open-bfd-pacer.ts';
import { openUdpSocket, type UdpSocket } from './open-udp-socket.ts';

const available = process.platform === 'linux' && isAddonAvailable();
if (!available) {
  const why = 'the packet-socket addon is not built (npm run build:native)';
  if (process.env.BMLB_REQUIRE_ALL === '1') throw new MissingPrerequisiteError('BFD pacer tests', [why]);
  console.warn(`SKIPPED BFD pacer tests: ${why}`);
}

/** A 24-byte control packet (RFC 5880 §4.1): version 1, `state`, Detect Mult 3. */
function controlPacket(fields: { state?: number; your?: number; my?: number; mult?: number } = {}): Buffer {
  const packet = Buffer.alloc(24);
  packet[0] = 0x20;
  packet[1] = (fields.state ?? 3) << 6;
  packet[2] = fields.mult ?? 3;
  packet[3] = 24;
  packet.writeUInt32BE(fields.my ?? 99, 4);
  packet.writeUInt32BE(fields.your ?? 7, 8);
  packet.writeUInt32BE(50_000, 12);
  packet.writeUInt32BE(50_000, 16);
  return packet;
}

describe.skipIf(!available)('BFD pacer schedule (native/bfd_schedule.h)', () => {
  it('jitters each interval to 75-100 %, and to 75-90 % with Detect Mult 1 (RFC 5880 §6.8.7)', () => {
    const s = bfdPacerSchedule();
    expect(s.jitteredIntervalUs(1_000_000, 3, 0)).toBe(750_000);
    expect(s.jitteredIntervalUs(1_000_000, 1, 0)).toBe(750_000);
    for (let i = 0; i < 1000; i++) {
      const r = Math.random();
      const three = s.jitteredIntervalUs(50_000, 3, r);
      const one = s.jitteredIntervalUs(50_000, 1, r);
      expect(three).toBeGreaterThanOrEqual(37_500);
      expect(three).toBeLessThan(50_000);
      expect(one).toBeGreaterThanOrEqual(37_500);
      expect(one).toBeLessThan(45_000);
    }
    expect(s.jitteredIntervalUs(50_000, 3, 0.999_999)).toBe(49_999);
    expect(s.jitteredIntervalUs(50_000, 1, 0.999_999)).toBe(44_999);
  });

  it('sends a first packet at once, then one interval after the last real send, never a burst', () => {
    const s = bfdPacerSchedule();
    expect(s.nextTransmitUs(5_000_000, 0, 40_000)).toBe(5_000_000);
    expect(s.nextTransmitUs(5_000_000, 4_990_000, 40_000)).toBe(5_030_000);
    // Woken 200 ms late: the next packet goes now, not the five that were "missed".
    expect(s.nextTransmitUs(5_000_000, 4_800_000, 40_000)).toBe(5_000_000);
  });

  it('arms the detection deadline only with a detection time and a received packet', () => {
    const s = bfdPacerSchedule();
    expect(s.detectionDeadlineUs(1_000_000, 150_000)).toBe(1_150_000);
    expect(s.detectionDeadlineUs(0, 150_000)).toBe(0);
    expect(s.detectionDeadlineUs(1_000_000, 0)).toBe(0);
  });

  it('checks the session-independent rules of RFC 5880 §6.8.6', () => {
    const check = bfdPacerSchedule().checkControlPacket;
    expect(check(controlPacket())).toBe(0);
    expect(check(controlPacket().subarray(0, 23))).toBe(1);
    const version = controlPacket();
    version[0] = 0x40;
    expect(check(version)).toBe(2);
    const long = controlPacket();
    long[3] = 25;
    expect(check(long)).toBe(3);
    const authWithoutRoom = controlPacket();
    authWithoutRoom[1]! |= 0x04;
    expect(check(authWithoutRoom)).toBe(3);
    expect(check(controlPacket({ mult: 0 }))).toBe(4);
    const multipoint = controlPacket();
    multipoint[1]! |= 0x01;
    expect(check(multipoint)).toBe(5);
    expect(check(controlPacket({ my: 0 }))).toBe(6);
    expect(check(controlPacket({ your: 0, state: 3 }))).toBe(7);
    expect(check(controlPacket({ your: 0, state: 1 }))).toBe(0);
  });
});

describe.skipIf(!available)('openBfdPacer (its thread, UDP on loopback)', () => {
  const open: { close(): void }[] = [];
  afterEach(() => {
    for (const thing of open.splice(0).reverse()) thing.close();
  });
  const udp = (address: string, ttl = 255): UdpSocket => {
    const socket = openUdpSocket({ family: 4, address, ttl });
    open.push(socket);
    return socket;
  };
  const collect = (socket: UdpSocket): Buffer[] => {
    const got: Buffer[] = [];
    socket.onMessage((d) => got.push(d.data));
    return got;
  };
  /** Session 7 to 127.0.0.1:`port`, from its own loopback socket. */
  const addLoopbackSession = (pacer: BfdPacer, port: number) =>
    pacer.addSession(7, {
      sender: udp('127.0.0.1'),
      peerAddress: '127.0.0.1',
      peerPort: port,
      multihop: false,
      minimumTtl: 255,
    });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const pacerWithEvents = (watchdogMs = 0) => {
    const datagrams: PacedDatagram[] = [];
    const expiries: { discriminator: number; atUs: number }[] = [];
    const waiters = new Set<() => void>();
    const pacer: BfdPacer = openBfdPacer({
      watchdogMs,
      onDatagram: (d) => {
        datagrams.push(d);
        for (const w of waiters) w();
      },
      onDetectionExpired: (discriminator, atUs) => {
        expiries.push({ discriminator, atUs });
        for (const w of waiters) w();
      },
    });
    open.push(pacer);
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!done()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    return { pacer, datagrams, expiries, until };
  };

  it('sends the scheduled packet periodically from its thread until the interval is 0', async () => {
    const receiver = udp('127.0.0.1');
    const got = collect(receiver);
    const { pacer } = pacerWithEvents();
    addLoopbackSession(pacer, receiver.local.port);
    const packet = controlPacket({ your: 5 });
    pacer.schedule(7, { packet, intervalUs: 10_000, detectMultiplier: 3, detectionTimeUs: 0 });
    await sleep(300);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.every((d) => d.equals(packet))).toBe(true);
    expect(pacer.stats().sent).toBeGreaterThanOrEqual(got.length);
    pacer.schedule(7, { packet, intervalUs: 0, detectMultiplier: 3, detectionTimeUs: 0 });
    await sleep(50);
    const stopped = got.length;
    await sleep(200);
    expect(got.length).toBe(stopped);
    const immediate = controlPacket({ your: 6 });
    expect(pacer.sendNow(7, immediate)).toBe(true);
    await sleep(50);
    expect(got.at(-1)).toEqual(immediate);
  });

  it('holds periodic packets back while its watchdog is not fed, and resumes when fed', async () => {
    const receiver = udp('127.0.0.1');
    const got = collect(receiver);
    const { pacer } = pacerWithEvents(200);
    addLoopbackSession(pacer, receiver.local.port);
    pacer.schedule(7, {
      packet: controlPacket(),
      intervalUs: 10_000,
      detectMultiplier: 3,
      detectionTimeUs: 0,
    });
    await sleep(500);
    const starving = got.length;
    await sleep(200);
    expect(got.length).toBe(starving);
    expect(pacer.stats().starved).toBeGreaterThan(0);
    pacer.feed();
    await sleep(100);
    expect(got.length).toBeGreaterThan(starving);
  });

  it('restarts the detection timer only on valid packets and reports the deadline it missed', async () => {
    const rx = udp('127.0.0.1');
    const { pacer, datagrams, expiries, until } = pacerWithEvents();
    pacer.addReceiveSocket(rx, false);
    addLoopbackSession(pacer, 9);
    const peer = udp('127.0.0.1');
    peer.send(controlPacket(), '127.0.0.1', rx.local.port);
    await until(() => datagrams.length === 1);
    const [valid] = datagrams;
    expect(valid).toMatchObject({ ttl: 255, multihop: false, from: { address: '127.0.0.1' } });
    pacer.schedule(7, {
      packet: controlPacket(),
      intervalUs: 0,
      detectMultiplier: 3,
      detectionTimeUs: 400_000,
    });
    // None of these may restart the timer: TTL 254 (GTSM), another source, Detect Mult 0,
    // another session's discriminator. JavaScript still gets every one.
    udp('127.0.0.1', 254).send(controlPacket(), '127.0.0.1', rx.local.port);
    udp('127.0.0.2').send(controlPacket(), '127.0.0.1', rx.local.port);
    peer.send(controlPacket({ mult: 0 }), '127.0.0.1', rx.local.port);
    peer.send(controlPacket({ your: 8 }), '127.0.0.1', rx.local.port);
    await until(() => expiries.length === 1);
    expect(datagrams.length).toBe(5);
    expect(expiries[0]).toEqual({ discriminator: 7, atUs: valid!.receivedAtUs + 400_000 });
    // A Down packet without Your Discriminator is matched by source and re-arms it.
    peer.send(controlPacket({ your: 0, state: 1 }), '127.0.0.1', rx.local.port);
    await until(() => expiries.length === 2);
    expect(expiries[1]).toEqual({ discriminator: 7, atUs: datagrams.at(-1)!.receivedAtUs + 400_000 });
    // A receive socket taken away is no longer read.
    pacer.removeReceiveSocket(rx);
    const seen = datagrams.length;
    peer.send(controlPacket(), '127.0.0.1', rx.local.port);
    await sleep(100);
    expect(datagrams.length).toBe(seen);
  });

  it('stops sending when the thread that opened it ends, events still queued or not', async () => {
    const receiver = udp('127.0.0.1');
    const got = collect(receiver);
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const { openBfdPacer } = await import(workerData.pacer);
        const { openUdpSocket } = await import(workerData.udp);
        const pacer = openBfdPacer({ onDatagram() {}, onDetectionExpired() {} });
        pacer.addSession(1, { sender: openUdpSocket({ family: 4, address: '127.0.0.1' }), peerAddress: '127.0.0.1', peerPort: workerData.port, multihop: false, minimumTtl: 255 });
        pacer.schedule(1, { packet: Buffer.from('paced'), intervalUs: 10000, detectMultiplier: 3, detectionTimeUs: 0 });
        const rx = openUdpSocket({ family: 4, address: '127.0.0.1' });
        pacer.addReceiveSocket(rx, false);
        parentPort.postMessage(rx.local.port);
      })();`,
      {
        eval: true,
        workerData: {
          pacer: path.join(import.meta.dirname, 'open-bfd-pacer.ts'),
          udp: path.join(import.meta.dirname, 'open-udp-socket.ts'),
          port: receiver.local.port,
        },
      },
    );
    const [rxPort] = (await once(worker, 'message')) as [number];
    await sleep(200);
    expect(got.length).toBeGreaterThan(0);
    // Datagrams still queued for the thread's JavaScript while it terminates are dropped, not a
    // fatal error of the process.
    const flood = udp('127.0.0.1');
    for (let i = 0; i < 500; i++) flood.send(controlPacket(), '127.0.0.1', rxPort);
    await worker.terminate();
    await sleep(50);
    const atEnd = got.length;
    await sleep(200);
    expect(got.length).toBe(atEnd);
  });
});
