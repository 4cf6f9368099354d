/**
 * The peer runtime against a scripted peer over the in-memory transport, on a manual clock: the
 * UPDATEs it sends (packing, attributes per peer type, differences only, End-of-RIB, route
 * refresh), its timers, RFC 7606 handling of what it receives, and that nothing leaks.
 */
import {
  Afi,
  AS_TRANS,
  type BgpMessage,
  buildEndOfRib,
  CeaseSubcode,
  findAttribute,
  MessageType,
  NotificationCode,
  type OpenMessage,
  openCapabilities,
  RouteRefreshSubtype,
  Safi,
  type UpdateMessage,
} from '@baremetal-lb/bgp-wire';
import { MANDATORY_ATTRIBUTES, ONE_PREFIX, rawUpdate } from '@baremetal-lb/bgp-wire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { BgpSpeaker } from './bgp-speaker.ts';
import { buildOpen } from './negotiate.ts';
import type { PeerOptions } from './peer-options.ts';
import { SessionState } from './session-state.ts';
import { ManualClock } from './testing/manual-clock.ts';
import { MemoryNetwork, settle } from './testing/memory-transport.ts';

const PEER = '198.51.100.2';
const LOCAL_ASN = 64512;

type Setup = { clock: ManualClock; network: MemoryNetwork; speaker: BgpSpeaker };
const setups: Setup[] = [];

function setup(): Setup {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const speaker = new BgpSpeaker({
    localAsn: LOCAL_ASN,
    routerId: '198.51.100.1',
    transport: network.transport,
    clock,
    random: () => 0.5,
  });
  const s = { clock, network, speaker };
  setups.push(s);
  return s;
}

afterEach(() => {
  for (const { speaker } of setups.splice(0)) speaker.close();
});

function peerOpen(
  asn: number,
  options: { hold?: number; ipv6?: boolean; routeRefresh?: boolean } = {},
): OpenMessage {
  return buildOpen({
    localAsn: asn,
    routerId: 0xc6336402,
    holdTimeSeconds: options.hold ?? 90,
    ipv4: true,
    ipv6: options.ipv6 ?? true,
  });
}

/** Starts a peer and brings it to Established against the scripted remote. */
async function establish(
  s: Setup,
  options: Partial<PeerOptions> = {},
  open = peerOpen(options.peerAsn ?? 4200000000),
) {
  const peer = s.speaker.addPeer({ peerAddress: PEER, peerAsn: 4200000000, ...options });
  peer.start();
  const remote = s.network.connects.at(-1)!;
  remote.accept('198.51.100.1');
  await settle();
  expect(remote.take()).toMatchObject([{ type: MessageType.open }]);
  remote.send(open);
  await settle();
  expect(remote.take()).toEqual([{ type: MessageType.keepalive }]);
  remote.send({ type: MessageType.keepalive });
  await settle();
  expect(peer.state).toBe(SessionState.established);
  return { peer, remote };
}

const updates = (messages: BgpMessage[]) =>
  messages.filter((m): m is UpdateMessage => m.type === MessageType.update);

describe('sending routes', () => {
  it('packs prefixes with equal attributes into one UPDATE and sends End-of-RIB after the initial burst', async () => {
    const s = setup();
    const peer = s.speaker.addPeer({ peerAddress: PEER, peerAsn: 4200000000 });
    peer.announce(
      { prefix: '203.0.113.1/32', communities: ['65000:1'] },
      { prefix: '203.0.113.2/32', communities: ['65000:1'] },
      { prefix: '203.0.113.3/32', communities: ['65000:2'] },
      { prefix: '2001:db8:1::1/128' },
    );
    peer.start();
    const remote = s.network.connects[0]!;
    remote.accept();
    await settle();
    remote.take();
    remote.send(peerOpen(4200000000));
    remote.send({ type: MessageType.keepalive });
    await settle();
    const sent = updates(remote.take().filter((m) => m.type !== MessageType.keepalive));
    // Two IPv4 attribute sets, one IPv6 (with no IPv6 next hop on an IPv4 session: skipped), then EoR v4 and v6.
    expect(sent.map((u) => u.nlri.map((p) => p.address))).toEqual([
      [0xcb007101, 0xcb007102],
      [0xcb007103],
      [],
      [],
    ]);
    expect(sent.slice(2)).toEqual([
      buildEndOfRib({ afi: Afi.ipv4, safi: Safi.unicast }),
      buildEndOfRib({ afi: Afi.ipv6, safi: Safi.unicast }),
    ]);
    expect(peer.status().prefixesWithoutNextHop).toBe(1);
    // Held back, not counted again on every later flush.
    peer.announce({ prefix: '203.0.113.4/32' });
    await settle();
    expect(peer.status().prefixesWithoutNextHop).toBe(1);
    const first = sent[0]!;
    // eBGP: AS_PATH [our AS], no LOCAL_PREF, next hop = our session address.
    expect(findAttribute(first.attributes, 'asPath')?.segments).toEqual([{ type: 2, asns: [LOCAL_ASN] }]);
    expect(findAttribute(first.attributes, 'localPref')).toBeUndefined();
    expect(findAttribute(first.attributes, 'nextHop')?.nextHop).toBe(0xc6336401);
    expect(findAttribute(first.attributes, 'communities')?.communities).toEqual([65000 * 65536 + 1]);
  });

  it('iBGP: empty AS_PATH and LOCAL_PREF (default 100); IPv6 in MP_REACH_NLRI with the configured next hop; large communities', async () => {
    const s = setup();
    const { peer, remote } = await establish(s, { peerAsn: LOCAL_ASN, nextHopIpv6: '2001:db8::1' });
    remote.take();
    peer.announce(
      { prefix: '203.0.113.9/32' },
      { prefix: '2001:db8:5::/64', localPref: 250, largeCommunities: ['4200000000:1:2'] },
    );
    await settle();
    const [v4, v6] = updates(remote.take());
    expect(findAttribute(v4!.attributes, 'asPath')?.segments).toEqual([]);
    expect(findAttribute(v4!.attributes, 'localPref')?.localPref).toBe(100);
    const reach = findAttribute(v6!.attributes, 'mpReachNlri');
    expect(reach).toMatchObject({ afi: Afi.ipv6, safi: Safi.unicast, nlri: [{ length: 64 }] });
    expect(Buffer.from(reach!.nextHop as Uint8Array).toString('hex')).toBe(
      '20010db8000000000000000000000001',
    );
    expect(findAttribute(v6!.attributes, 'localPref')?.localPref).toBe(250);
    expect(findAttribute(v6!.attributes, 'largeCommunities')?.communities).toEqual([
      { globalAdministrator: 4200000000, localData1: 1, localData2: 2 },
    ]);
  });

  it('a peer without the 4-octet capability: AS_TRANS in AS_PATH, our real AS in AS4_PATH (RFC 6793)', async () => {
    const clock = new ManualClock();
    const network = new MemoryNetwork();
    const speaker = new BgpSpeaker({
      localAsn: 4200000001,
      routerId: '198.51.100.1',
      transport: network.transport,
      clock,
    });
    setups.push({ clock, network, speaker });
    const peer = speaker.addPeer({ peerAddress: PEER, peerAsn: 65001 });
    peer.start();
    const remote = network.connects[0]!;
    remote.accept();
    const open = peerOpen(65001);
    const capabilities = openCapabilities(open).filter((c) => c.kind !== 'fourOctetAs');
    remote.send({ ...open, parameters: [{ kind: 'capabilities', capabilities }] });
    remote.send({ type: MessageType.keepalive });
    await settle();
    expect(peer.status().negotiated?.fourOctetAs).toBe(false);
    remote.session = { fourOctetAs: false, maxMessageLength: 4096 };
    remote.take();
    peer.announce({ prefix: '203.0.113.8/32' });
    await settle();
    const [update] = updates(remote.take());
    expect(findAttribute(update!.attributes, 'asPath')?.segments).toEqual([{ type: 2, asns: [AS_TRANS] }]);
    expect(findAttribute(update!.attributes, 'as4Path')?.segments).toEqual([{ type: 2, asns: [4200000001] }]);
  });

  it('sends only differences: the same route again is silent, a change re-announces, withdraw withdraws', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.take();
    peer.announce({ prefix: '203.0.113.7/32', med: 5 });
    await settle();
    expect(updates(remote.take())).toHaveLength(1);
    peer.announce({ prefix: '203.0.113.7/32', med: 5 });
    await settle();
    expect(remote.take()).toEqual([]);
    peer.announce({ prefix: '203.0.113.7/32', med: 6 });
    await settle();
    expect(findAttribute(updates(remote.take())[0]!.attributes, 'multiExitDisc')?.med).toBe(6);
    expect(peer.hasRoute('203.0.113.7')).toBe(true);
    peer.withdraw('203.0.113.7/32', '203.0.113.99/32');
    expect(peer.hasRoute('203.0.113.7/32')).toBe(false);
    await settle();
    expect(updates(remote.take())).toEqual([
      {
        type: MessageType.update,
        withdrawn: [{ address: 0xcb007107, length: 32 }],
        attributes: [],
        nlri: [],
      },
    ]);
    expect(peer.status()).toMatchObject({
      advertisedPrefixes: 0,
      counters: { prefixesAnnounced: 2, prefixesWithdrawn: 1 },
    });
  });

  it('10,000 /32s: every prefix once, in UPDATEs within 4096 bytes', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.take();
    const routes = Array.from({ length: 10_000 }, (_, i) => ({ prefix: `198.18.${i >> 8}.${i & 255}/32` }));
    peer.announce(...routes);
    await settle();
    const sent = updates(remote.take());
    expect(sent.reduce((n, u) => n + u.nlri.length, 0)).toBe(10_000);
    expect(new Set(sent.flatMap((u) => u.nlri.map((p) => p.address))).size).toBe(10_000);
    expect(sent.length).toBeLessThan(15);
  });

  it('answers ROUTE-REFRESH with the whole Adj-RIB-Out of that family', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    peer.announce({ prefix: '203.0.113.1/32' }, { prefix: '203.0.113.2/32' });
    await settle();
    remote.take();
    remote.send({
      type: MessageType.routeRefresh,
      afi: Afi.ipv4,
      safi: Safi.unicast,
      subtype: RouteRefreshSubtype.normal,
    });
    await settle();
    expect(updates(remote.take()).flatMap((u) => u.nlri)).toHaveLength(2);
  });

  it('rejects a bad route with a typed error and changes nothing', () => {
    const s = setup();
    const peer = s.speaker.addPeer({ peerAddress: PEER, peerAsn: 65001 });
    for (const bad of [
      { prefix: '203.0.113.1/24' },
      { prefix: 'x' },
      { prefix: '203.0.113.1/32', communities: ['70000:1'] },
    ]) {
      expect(() => peer.announce({ prefix: '203.0.113.5/32' }, bad)).toThrow(
        expect.objectContaining({ code: 'ERR_BGP_INVALID_ROUTE' }),
      );
    }
    expect(peer.status().configuredRoutes).toBe(0);
  });
});

describe('timers on the fake clock', () => {
  it('sends KEEPALIVE every third of the negotiated hold time', async () => {
    const s = setup();
    const { remote } = await establish(s, {}, peerOpen(4200000000, { hold: 9 }));
    remote.take();
    s.clock.advance(3000);
    await settle();
    expect(remote.take()).toEqual([{ type: MessageType.keepalive }]);
    remote.send({ type: MessageType.keepalive });
    await settle();
    s.clock.advance(3000);
    await settle();
    expect(remote.take()).toEqual([{ type: MessageType.keepalive }]);
  });

  it('an UPDATE postpones the next KEEPALIVE by a full interval', async () => {
    const s = setup();
    const { peer, remote } = await establish(s, {}, peerOpen(4200000000, { hold: 9 }));
    remote.take();
    s.clock.advance(2000);
    peer.announce({ prefix: '203.0.113.3/32' });
    await settle();
    expect(updates(remote.take())).toHaveLength(1);
    s.clock.advance(2999);
    await settle();
    expect(remote.take()).toEqual([]);
    s.clock.advance(1);
    await settle();
    expect(remote.take()).toEqual([{ type: MessageType.keepalive }]);
  });

  it('a silent peer: Hold Timer Expired at exactly the hold time, then reconnects after the backoff', async () => {
    const s = setup();
    const { peer, remote } = await establish(s, {}, peerOpen(4200000000, { hold: 9 }));
    const downs: string[] = [];
    peer.on('down', (reason) => downs.push(reason));
    s.clock.advance(8999);
    await settle();
    expect(peer.state).toBe(SessionState.established);
    s.clock.advance(1);
    await settle();
    expect(peer.state).toBe(SessionState.idle);
    expect(remote.take().filter((m) => m.type === MessageType.notification)).toMatchObject([
      { code: NotificationCode.holdTimerExpired },
    ]);
    expect(downs).toEqual(['hold timer expired']);
    expect(peer.status().lastError).toMatchObject({ origin: 'sent', text: 'Hold Timer Expired (4/0)' });
    expect(s.network.connects).toHaveLength(1);
    s.clock.advance(875); // backoff after one failure: 1 s × jitter 0.875
    await settle();
    expect(s.network.connects).toHaveLength(2);
    expect(peer.state).toBe(SessionState.connect);
  });

  it('a refused connect backs off exponentially', async () => {
    const s = setup();
    const peer = s.speaker.addPeer({ peerAddress: PEER, peerAsn: 65001 });
    peer.start();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.network.connects.at(-1)!.refuse();
      await settle();
      const before = s.network.connects.length;
      const start = s.clock.nowMs();
      while (s.network.connects.length === before) {
        s.clock.advance(25);
        await settle();
      }
      times.push(s.clock.nowMs() - start);
    }
    expect(times).toEqual([875, 1750, 3500, 7000]);
    expect(peer.status().counters.connectAttempts).toBe(5);
  });
});

describe('what the peer sends', () => {
  it('a malformed UPDATE: the decoder NOTIFICATION, session down, error in words', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.take();
    // Total Path Attribute Length past the end of the message: 3/1.
    remote.write(rawUpdate({ attributes: MANDATORY_ATTRIBUTES, attributesLength: 200 }));
    await settle();
    expect(remote.take()).toMatchObject([{ type: MessageType.notification, code: 3, subcode: 1 }]);
    expect(peer.state).toBe(SessionState.idle);
    expect(peer.status().lastError?.text).toBe('UPDATE Message Error / Malformed Attribute List (3/1)');
  });

  it('RFC 7606 treat-as-withdraw: counted, the session stays up', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.take();
    // ORIGIN with value 7 and an NLRI: treat-as-withdraw.
    remote.write(
      rawUpdate({ attributes: MANDATORY_ATTRIBUTES.replace('40 01 01 00', '40 01 01 07'), nlri: ONE_PREFIX }),
    );
    await settle();
    expect(peer.state).toBe(SessionState.established);
    expect(peer.status().counters).toMatchObject({ updatesReceived: 1, updatesTreatedAsWithdraw: 1 });
  });

  it('a NOTIFICATION from the peer is decoded into words', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.send({
      type: MessageType.notification,
      code: 6,
      subcode: CeaseSubcode.administrativeShutdown,
      data: Uint8Array.of(5, ...Buffer.from('maint')),
    });
    await settle();
    expect(peer.status().lastError).toMatchObject({
      origin: 'received',
      text: 'Cease / Administrative Shutdown (6/2): maint',
    });
    expect(peer.state).toBe(SessionState.idle);
  });
});

describe('listener and lifecycle', () => {
  it('accepts a configured peer (passive), closes unknown ones, installs MD5 keys per peer', async () => {
    const s = setup();
    await s.speaker.listen({ address: '0.0.0.0', port: 1179 });
    const peer = s.speaker.addPeer({ peerAddress: PEER, peerAsn: 65001, passive: true, password: 'sekrit' });
    expect(s.network.listenerPassword(PEER)).toBe('sekrit');
    peer.start();
    const stranger = s.network.dial('203.0.113.50')!;
    const remote = s.network.dial(PEER)!;
    await settle();
    expect(stranger.hungUp).toBe(true);
    expect(remote.take()).toMatchObject([{ type: MessageType.open }]);
    remote.send(peerOpen(65001));
    remote.send({ type: MessageType.keepalive });
    await settle();
    expect(peer.state).toBe(SessionState.established);
    s.speaker.removePeer(PEER);
    expect(s.network.listenerPassword(PEER)).toBeUndefined();
  });

  it('stop releases every timer and connection', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    remote.take();
    peer.stop({ message: 'bye' });
    await settle();
    expect(remote.take()).toMatchObject([{ type: MessageType.notification, code: 6, subcode: 2 }]);
    expect(remote.hungUp).toBe(true);
    expect(peer.resources).toEqual({ timers: 0, connections: 0 });
    expect(s.clock.pending).toBe(0);
  });

  it('whenClosed waits after stop until the peer has closed its side too', async () => {
    const s = setup();
    const { peer, remote } = await establish(s);
    expect(await Promise.race([peer.whenClosed().then(() => 'closed'), settle()])).toBe('closed');
    peer.withdraw('203.0.113.1/32');
    peer.stop();
    let closed = false;
    const waiting = peer.whenClosed().then(() => {
      closed = true;
    });
    await settle();
    expect(remote.hungUp).toBe(true);
    expect(closed).toBe(false);
    remote.close();
    await waiting;
    expect(closed).toBe(true);
    expect(await Promise.race([peer.whenClosed().then(() => 'closed'), settle()])).toBe('closed');
  });

  it('a graceful stop closes without a NOTIFICATION', async () => {
    const s = setup();
    const { peer, remote } = await establish(s, { gracefulRestart: { restartTimeSeconds: 120 } });
    remote.take();
    peer.stop({ graceful: true });
    await settle();
    expect(remote.take()).toEqual([]);
    expect(remote.hungUp).toBe(true);
  });
});
