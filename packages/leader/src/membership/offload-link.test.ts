// The membership offload of packet-socket (a native thread) against this package's own packet
// format, replay rules and protocol, over real UDP on the loopback interface.
import { createSocket, type Socket } from 'node:dgram';
import { isAddonAvailable, type MembershipLink, openMembershipLink } from '@baremetal-lb/packet-socket';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
import { Keyring } from './keyring.ts';
import type { MemberEvent } from './member.ts';
import { Membership } from './membership.ts';
import { decodeMessages, encodeMessageInto, type Message } from './message.ts';
import { openPacket, sealPacket } from './packet.ts';
import { UdpTransport } from './udp-transport.ts';

const secret = 'offload test shared secret, 32 bytes';
const available = isAddonAvailable();
if (!available) console.warn('SKIPPED leader offload tests: the packet-socket addon is not built');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function encode(messages: readonly Message[]): Buffer {
  const buf = Buffer.alloc(1400);
  let o = 0;
  for (const m of messages) o = encodeMessageInto(m, buf, o);
  return buf.subarray(0, o);
}

/** A peer "x" on a plain dgram socket, sealing with this package's own code. */
async function peer(keyring: Keyring): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  keyring.senderKey(keyring.sendKeyId, 'x');
  return { socket, port: socket.address().port, received };
}

/** A link configured as "me", knowing x's key, and the keyring both share. */
function link(): { link: MembershipLink; keyring: Keyring; port: number } {
  const keyring = new Keyring([secret]);
  const l = openMembershipLink({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => l.close());
  const id = keyring.sendKeyId;
  l.configure('me', 5_000, 1400, 60_000);
  l.setSendKey(id, keyring.senderKey(id, 'me')!.export());
  l.addReceiveKey(id, 'x', keyring.senderKey(id, 'x')!.export());
  return { link: l, keyring, port: Number(l.localAddress.split(':')[1]) };
}

describe.skipIf(!available)('membership offload link (packet-socket) on loopback', () => {
  it('answers a quiet ping from an alive member with an ack this package opens, and refuses its replay', async () => {
    const { link: l, keyring, port } = link();
    const x = await peer(keyring);
    const ping = sealPacket(keyring, 'x', 77, 1, encode([{ type: 'ping', seq: 42, target: 'me' }]));
    l.setQuiet(true, ['x']);
    x.socket.send(ping, port, '127.0.0.1');
    expect(await waitFor(() => x.received.length === 1, 2_000)).toBeDefined();
    const ack = openPacket(keyring, x.received[0]!, 1400);
    if (typeof ack === 'string') throw new Error(`ack did not open: ${ack}`);
    expect(ack).toMatchObject({ sender: 'me', epoch: 5_000, counter: 0 });
    expect(decodeMessages(ack.payload)).toEqual([{ type: 'ack', seq: 42 }]);

    x.socket.send(ping, port, '127.0.0.1');
    expect(await waitFor(() => l.stats().replayed === 1, 2_000)).toBeDefined();
    expect(x.received).toHaveLength(1);
    expect(l.stats()).toMatchObject({ pingsAnswered: 1, passedUp: 0, packetsReceived: 2 });
  });

  it('hands over, opened, what it may not answer, and sealed what it cannot open', async () => {
    const { link: l, keyring, port } = link();
    const x = await peer(keyring);
    const got: unknown[] = [];
    l.onPacket((p) => got.push(p.kind === 'opened' ? { ...p, payload: decodeMessages(p.payload) } : p));
    // Not quiet: the ping is JavaScript's to answer (it would piggy-back updates).
    const ping = encode([{ type: 'ping', seq: 1, target: 'me' }]);
    x.socket.send(sealPacket(keyring, 'x', 9, 3, ping), port, '127.0.0.1');
    expect(await waitFor(() => got.length === 1, 2_000)).toBeDefined();
    // Quiet but two messages in one packet.
    l.setQuiet(true, ['x']);
    const two = encode([{ type: 'ping', seq: 2, target: 'me' }, { type: 'syncReq' }]);
    x.socket.send(sealPacket(keyring, 'x', 9, 4, two), port, '127.0.0.1');
    // A forged tag.
    const forged = sealPacket(keyring, 'x', 9, 5, ping);
    forged[forged.length - 1]! ^= 1;
    x.socket.send(forged, port, '127.0.0.1');
    expect(await waitFor(() => got.length === 3, 2_000)).toBeDefined();
    const from = `127.0.0.1:${x.port}`;
    expect(got[0]).toEqual({
      kind: 'opened',
      sender: 'x',
      epoch: 9,
      counter: 3,
      payload: [{ type: 'ping', seq: 1, target: 'me' }],
      from,
    });
    expect(got[1]).toMatchObject({
      kind: 'opened',
      counter: 4,
      payload: [{ type: 'ping', seq: 2 }, { type: 'syncReq' }],
    });
    expect(got[2]).toEqual({ kind: 'sealed', packet: forged, from });
    expect(x.received).toHaveLength(0);
  });

  it('stops answering on its own when not fed: a stalled event loop must look dead', async () => {
    const { link: l, keyring, port } = link();
    l.configure('me', 5_000, 1400, 100);
    const x = await peer(keyring);
    const got: string[] = [];
    l.onPacket((p) => got.push(p.kind));
    l.setQuiet(true, ['x']);
    x.socket.send(
      sealPacket(keyring, 'x', 9, 0, encode([{ type: 'ping', seq: 1, target: 'me' }])),
      port,
      '127.0.0.1',
    );
    expect(await waitFor(() => x.received.length === 1, 2_000)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    x.socket.send(
      sealPacket(keyring, 'x', 9, 1, encode([{ type: 'ping', seq: 2, target: 'me' }])),
      port,
      '127.0.0.1',
    );
    expect(await waitFor(() => got.length === 1, 2_000)).toBeDefined();
    expect(got).toEqual(['opened']);
    l.feed();
    x.socket.send(
      sealPacket(keyring, 'x', 9, 2, encode([{ type: 'ping', seq: 3, target: 'me' }])),
      port,
      '127.0.0.1',
    );
    expect(await waitFor(() => x.received.length === 2, 2_000)).toBeDefined();
    expect(l.stats()).toMatchObject({ pingsAnswered: 2, passedUp: 1 });
  });

  it('probes round robin, swallows the acks, and stops at the first miss and reports it', async () => {
    const { link: l, keyring, port } = link();
    const x = await peer(keyring);
    const missed: [number, string][] = [];
    l.onMissed((seq, name) => missed.push([seq, name]));
    let counter = 0;
    let answering = true;
    x.socket.on('message', (m) => {
      const opened = openPacket(keyring, m, 1400);
      if (typeof opened === 'string' || !answering) return;
      const [ping] = decodeMessages(opened.payload);
      if (ping?.type !== 'ping') return;
      x.socket.send(
        sealPacket(keyring, 'x', 9, counter++, encode([{ type: 'ack', seq: ping.seq }])),
        port,
        '127.0.0.1',
      );
    });
    l.startProbing([{ name: 'x', address: `127.0.0.1:${x.port}` }], 20, 10);
    expect(await waitFor(() => l.stats().acksReceived >= 5, 3_000)).toBeDefined();
    expect(missed).toEqual([]);
    const pings = x.received.map((m) => openPacket(keyring, m, 1400)).filter((p) => typeof p !== 'string');
    const seqs = pings.map((p) => decodeMessages(p.payload)[0]).map((m) => (m?.type === 'ping' ? m.seq : -1));
    // Its seqs have the top bit set (Membership's never do) and count up.
    expect(seqs.every((s) => s >= 0x8000_0000)).toBe(true);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    answering = false;
    expect(await waitFor(() => missed.length === 1, 2_000)).toBeDefined();
    expect(missed[0]![1]).toBe('x');
    const sent = l.stats().probesSent;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(l.stats()).toMatchObject({ probesSent: sent, probesMissed: 1 });
  });
});

describe.skipIf(!available)('Membership over the offload link', () => {
  async function member(name: string, offload: boolean, seeds: string[], events: MemberEvent[]) {
    const link = offload
      ? { offload: openMembershipLink({ host: '127.0.0.1', port: 0 }) }
      : { transport: await UdpTransport.bind({ host: '127.0.0.1', port: 0 }) };
    const address = (link.offload ?? link.transport)!.localAddress;
    const m = new Membership({ name, ...link, secrets: [secret], seeds });
    m.subscribe((e) => events.push(e));
    cleanups.push(() => m.stop());
    m.start();
    return { m, address };
  }

  it('joins members over node:dgram, and while idle answers and probes without waking JavaScript', async () => {
    const events: MemberEvent[] = [];
    const a = await member('a', true, [], events);
    const b = await member('b', false, [a.address], []);
    await member('c', false, [a.address], []);
    expect(
      await waitFor(() => a.m.liveMembers().length === 3 && b.m.liveMembers().length === 3, 5_000),
    ).toBeDefined();
    // Quiet once the join's updates have been gossiped their number of times.
    expect(await waitFor(() => (a.m.stats().offloaded?.probesSent ?? 0) > 0, 5_000)).toBeDefined();
    // The best of up to five 1 s windows: on a loaded machine a late ack raises local health for a
    // while, and the member is not quiet until it recovers.
    let window = { received: 0, passedUp: Number.POSITIVE_INFINITY, answered: 0, acked: 0 };
    for (let attempt = 0; attempt < 5 && window.passedUp > window.received / 10; attempt++) {
      const before = a.m.stats().offloaded!;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = a.m.stats().offloaded!;
      window = {
        received: after.packetsReceived - before.packetsReceived,
        passedUp: after.passedUp - before.passedUp,
        answered: after.pingsAnswered - before.pingsAnswered,
        acked: after.acksReceived - before.acksReceived,
      };
    }
    // Each of the two others probes `a` about every 100 ms, `a` probes one of them every 50 ms.
    expect(window.answered).toBeGreaterThan(5);
    expect(window.acked).toBeGreaterThan(5);
    expect(
      window.passedUp,
      `${window.passedUp} of ${window.received} packets woke JavaScript`,
    ).toBeLessThanOrEqual(window.received / 10);
    expect(a.m.liveMembers()).toEqual(['a', 'b', 'c']);
  });

  it('rotates the shared secret live in three steps with nobody suspected, and the link keeps answering', async () => {
    const oldSecret = secret;
    const newSecret = 'offload test new secret, 32 bytes!';
    const suspicions: string[] = [];
    const a = await member('a', true, [], []);
    const b = await member('b', true, [a.address], []);
    const c = await member('c', false, [a.address], []);
    const all = [a.m, b.m, c.m];
    for (const m of all)
      m.subscribe((e) => e.type !== 'alive' && suspicions.push(`${m.name}: ${e.member.name} ${e.type}`));
    expect(await waitFor(() => all.every((m) => m.liveMembers().length === 3), 5_000)).toBeDefined();
    for (const secrets of [[oldSecret, newSecret], [newSecret, oldSecret], [newSecret]]) {
      for (const m of all) {
        m.setSecrets(secrets);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    const answered = a.m.stats().offloaded!.pingsAnswered;
    // Under the new key only, the link still answers (it learnt the others' new subkeys anew).
    expect(await waitFor(() => a.m.stats().offloaded!.pingsAnswered > answered + 5, 5_000)).toBeDefined();
    expect(suspicions).toEqual([]);
    for (const m of all) expect(m.liveMembers()).toEqual(['a', 'b', 'c']);
  });

  it('takes over the probe the link missed: a stopped member is suspected by it and declared dead', async () => {
    const events: MemberEvent[] = [];
    const a = await member('a', true, [], events);
    const b = await member('b', false, [a.address], []);
    expect(await waitFor(() => (a.m.stats().offloaded?.probesSent ?? 0) > 0, 5_000)).toBeDefined();
    events.length = 0;
    const stoppedAt = Date.now();
    await b.m.stop();
    const detected = await waitFor(
      () => events.some((e) => e.member.name === 'b' && e.type === 'dead'),
      5_000,
    );
    expect(detected, 'b declared dead').toBeDefined();
    const about = events.filter((e) => e.member.name === 'b' && e.type !== 'alive');
    // Only `a` can have noticed: the link's miss, then Membership's verdict.
    expect(about.map((e) => `${e.type}/${e.reason}`)).toEqual([
      'suspect/probeFailed',
      'dead/suspicionTimeout',
    ]);
    expect(a.m.stats().offloaded!.probesMissed).toBeGreaterThanOrEqual(1);
    console.log(`offload: stopped member declared dead after ${Date.now() - stoppedAt} ms`);
  });
});
