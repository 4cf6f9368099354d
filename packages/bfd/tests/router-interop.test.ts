/**
 * Interop with real BFD implementations (FRR's bfdd, BIRD 2) in network namespaces: sessions come
 * Up, timers are negotiated as each side configured (read back through the router's CLI), a hard
 * kill of either side is detected (times measured on the wire and printed), authentication
 * mismatches never come Up. Timing assertions are deliberately loose; `npm run bench` has the
 * distributions.
 */
import { checkPrerequisites, createLab, type Lab, type LabHost } from '@baremetal-lb/lab';
import { openUdpSocket } from '@baremetal-lb/packet-socket';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BfdState } from '../src/bfd-constants.ts';
import { encodeControlPacket } from '../src/control-packet.ts';
import { sampleControlPacket } from '../src/testing/sample-control-packet.ts';
import { measureDetection, sinceLastPacket, startCapture } from './bfd-capture.ts';
import {
  type RouterBfdOptions,
  type RouterPeer,
  startBird,
  startFrrBfdd,
  waitFor,
} from './router-daemons.ts';
import { type BfdPeerProcess, spawnBfdPeer } from './spawn-bfd-peer.ts';

const ready = checkPrerequisites('bfd router interop', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'tcpdump', debianPackage: 'tcpdump' },
    { name: 'vtysh', debianPackage: 'frr' },
    { name: 'bird', debianPackage: 'bird2' },
    { name: 'birdc', debianPackage: 'bird2' },
  ],
});

const routers = {
  frr: startFrrBfdd,
  bird: startBird,
} as const;

describe.skipIf(!ready)('BFD interop with FRR bfdd and BIRD 2 (as root, network namespaces)', () => {
  let lab: Lab;
  let speaker: LabHost;
  let router: LabHost;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    lab = await createLab({
      nodes: ['speaker', 'router'],
      bridge: 'none',
      ipv4Subnet: '198.51.100.0/24',
      ipv6Prefix: '2001:db8:bfd::/64',
    });
    [speaker, router] = lab.nodes as [LabHost, LabHost];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  async function startRouter(
    name: keyof typeof routers,
    options: Partial<RouterBfdOptions> = {},
  ): Promise<RouterPeer> {
    const peer = await routers[name](router, {
      peer: speaker.ipv4,
      local: router.ipv4,
      receiveMs: 50,
      transmitMs: 50,
      multiplier: 3,
      ...options,
    });
    cleanups.push(() => peer.stop());
    return peer;
  }

  async function startOurs(
    spec: Parameters<typeof spawnBfdPeer>[1],
    pacer?: 'native' | 'js',
  ): Promise<BfdPeerProcess> {
    const ours = await spawnBfdPeer(speaker.namespace, spec, pacer);
    cleanups.push(() => ours.stop());
    return ours;
  }

  const up = (change: { to: number }) => change.to === BfdState.up;

  it('FRR: comes Up with the timers each side configured', async () => {
    const frr = await startRouter('frr', { receiveMs: 70, transmitMs: 80, multiplier: 3 });
    const ours = await startOurs({
      peerAddress: router.ipv4,
      localAddress: speaker.ipv4,
      transmitIntervalMs: 50,
      receiveIntervalMs: 60,
      detectMultiplier: 4,
    });
    await ours.waitForChange(up, 10_000);
    const seen = await waitFor(async () => {
      const s = await frr.session();
      return s?.state === 'up' && s.remote?.transmitMs === 50 ? s : undefined;
    }, 10_000);
    expect(seen.local).toEqual({ receiveMs: 70, transmitMs: 80, multiplier: 3 });
    expect(seen.remote).toEqual({ receiveMs: 60, transmitMs: 50, multiplier: 4 });
    const [session] = (await ours.report()).sessions;
    // We send at max(our 50, its required 70); we detect after 3 × max(our 60, its 80).
    expect(session).toMatchObject({
      state: BfdState.up,
      transmitIntervalUs: 70_000,
      detectionTimeUs: 240_000,
    });
    expect(seen.detectionTimeMs).toBe(4 * 70);
  });

  it('FRR: multihop (port 4784) comes Up', async () => {
    const frr = await startRouter('frr', { multihop: true });
    const ours = await startOurs({
      peerAddress: router.ipv4,
      localAddress: speaker.ipv4,
      multihop: true,
      transmitIntervalMs: 50,
      receiveIntervalMs: 50,
    });
    await ours.waitForChange(up, 10_000);
    await waitFor(async () => ((await frr.session())?.state === 'up' ? true : undefined), 10_000);
  });

  it('FRR: IPv6 single hop comes Up (hop limit 255 both ways)', async () => {
    const frr = await startRouter('frr', { peer: speaker.ipv6, local: router.ipv6 });
    const ours = await startOurs({ peerAddress: router.ipv6, localAddress: speaker.ipv6 });
    await ours.waitForChange(up, 10_000);
    await waitFor(async () => ((await frr.session())?.state === 'up' ? true : undefined), 10_000);
    const { stats } = await ours.report();
    expect(stats.received.ttl).toBeUndefined();
  });

  it('GTSM: a single-hop packet that arrives with TTL 254 is dropped and counted', async () => {
    const ours = await startOurs({ peerAddress: router.ipv4, localAddress: speaker.ipv4 });
    const packet = encodeControlPacket(
      sampleControlPacket({ state: BfdState.down, myDiscriminator: 77, yourDiscriminator: 0 }),
    );
    for (const ttl of [254, 255]) {
      const socket = openUdpSocket({
        family: 4,
        address: router.ipv4,
        port: 49152 + ttl,
        ttl,
        netns: router.namespace,
      });
      socket.send(packet, speaker.ipv4, 3784);
      socket.close();
    }
    await ours.waitForChange((c) => c.to === BfdState.init, 5000);
    const { stats } = await ours.report();
    expect(stats.received).toMatchObject({ ttl: 1, accepted: 1 });
  });

  it('FRR: passive mode comes Up once FRR speaks first', async () => {
    await startRouter('frr');
    const ours = await startOurs({ peerAddress: router.ipv4, localAddress: speaker.ipv4, passive: true });
    await ours.waitForChange(up, 10_000);
  });

  it('BIRD: comes Up with meticulous keyed SHA1 and shows the negotiated timers', async () => {
    const sha1 = { keyId: 3, password: 'metallb-bfd' };
    const bird = await startRouter('bird', { sha1, receiveMs: 40, transmitMs: 30, multiplier: 5 });
    const ours = await startOurs({
      peerAddress: router.ipv4,
      localAddress: speaker.ipv4,
      transmitIntervalMs: 50,
      receiveIntervalMs: 60,
      detectMultiplier: 3,
      auth: { type: 5, keyId: 3, secret: 'metallb-bfd' },
    });
    await ours.waitForChange(up, 10_000);
    const seen = await waitFor(async () => {
      const s = await bird.session();
      return s?.state === 'up' && s.transmitIntervalMs === 60 ? s : undefined;
    }, 10_000);
    // BIRD sends at max(its 30, our required 60) and detects after 3 × max(its 40, our 50).
    expect(seen).toMatchObject({ transmitIntervalMs: 60, detectionTimeMs: 150 });
    const { sessions, stats } = await ours.report();
    expect(sessions[0]).toMatchObject({ transmitIntervalUs: 50_000, detectionTimeUs: 5 * 60_000 });
    expect(stats.received.authFailed).toBeUndefined();
  });

  it('BIRD: a key mismatch never comes Up', async () => {
    const bird = await startRouter('bird', { sha1: { keyId: 3, password: 'right' } });
    const ours = await startOurs({
      peerAddress: router.ipv4,
      localAddress: speaker.ipv4,
      auth: { type: 5, keyId: 3, secret: 'wrong' },
    });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const { sessions, stats } = await ours.report();
    expect(sessions[0]!.state).toBe(BfdState.down);
    expect(stats.received.authFailed).toBeGreaterThan(0);
    expect(ours.changes).toEqual([]);
    expect((await bird.session())?.state).toBe('down');
  });

  /** Both sides Up at 50 ms × 3, with a capture running on `where` for a while before the kill. */
  async function upAt50ms(name: keyof typeof routers, where: LabHost, pacer: 'native' | 'js') {
    const peer = await startRouter(name);
    const ours = await startOurs(
      {
        peerAddress: router.ipv4,
        localAddress: speaker.ipv4,
        transmitIntervalMs: 50,
        receiveIntervalMs: 50,
      },
      pacer,
    );
    await ours.waitForChange(up, 10_000);
    await waitFor(async () => ((await peer.session())?.state === 'up' ? true : undefined), 10_000);
    const capture = await startCapture(where);
    await new Promise((resolve) => setTimeout(resolve, 300)); // both at 50 ms after the polls
    return { peer, ours, capture, killedAtUs: Date.now() * 1000 };
  }

  // Loose bound (a loaded machine stalls for hundreds of ms): what matters is that detection,
  // not a BGP-like hold time, ended the session. `npm run bench` has the distributions.
  const boundMs = 5 * 150;

  it('the native pacer times unauthenticated sessions (BfdWorker default), the JS worker when asked', async () => {
    await startRouter('frr');
    const spec = { peerAddress: router.ipv4, localAddress: speaker.ipv4 };
    const native = await startOurs(spec);
    await native.waitForChange(up, 10_000);
    const nativeReport = await native.report();
    expect(native.scheduling).toContain('native pacer');
    // The pacer thread sent the periodic packets: it reports how late it woke for them.
    expect(nativeReport.stats.pacerMaxLateUs).toBeGreaterThanOrEqual(0);
    await native.stop();
    const js = await startOurs(spec, 'js');
    await js.waitForChange(up, 10_000);
    expect(js.scheduling).not.toContain('pacer');
    expect((await js.report()).stats.pacerMaxLateUs).toBeUndefined();
  });

  for (const [name, pacer] of [
    ['frr', 'native'],
    ['frr', 'js'],
    ['bird', 'native'],
    ['bird', 'js'],
  ] as const) {
    it(`${name}: our side (${pacer} timing) killed hard → ${name} declares Down after about its detection time`, async () => {
      const { peer, ours, capture, killedAtUs } = await upAt50ms(name, router, pacer);
      ours.kill();
      await waitFor(async () => ((await peer.session())?.state === 'down' ? true : undefined), 5000);
      const packets = await capture.stop();
      // FRR logs the moment it decided; BIRD is read from its first Down packet on the wire.
      const logged = peer.stateChanges?.find((c) => c.reason === 'control-expired' && c.timeUs >= killedAtUs);
      const measuredMs =
        logged === undefined
          ? measureDetection(packets, speaker.ipv4, router.ipv4, killedAtUs)
          : sinceLastPacket(packets, speaker.ipv4, logged.timeUs);
      console.log(
        `${name} detected our (${pacer}) hard kill after ${measuredMs.toFixed(1)} ms (theory 150 ms)`,
      );
      expect(measuredMs).toBeGreaterThan(0);
      expect(measuredMs).toBeLessThan(boundMs);
    });

    it(`${name} killed hard → we (${pacer} timing) declare Down (diag 1) after about our detection time`, async () => {
      const { peer, ours, capture, killedAtUs } = await upAt50ms(name, speaker, pacer);
      const earlier = new Set(ours.changes);
      peer.kill();
      const down = await ours.waitForChange((c) => c.to === BfdState.down && !earlier.has(c), 5000);
      expect(down.diagnostic).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const measuredMs = measureDetection(await capture.stop(), router.ipv4, speaker.ipv4, killedAtUs);
      console.log(
        `we (${pacer}) detected ${name}'s hard kill after ${measuredMs.toFixed(1)} ms (theory 150 ms)`,
      );
      expect(measuredMs).toBeGreaterThan(0);
      expect(measuredMs).toBeLessThan(boundMs);
    });
  }
});
