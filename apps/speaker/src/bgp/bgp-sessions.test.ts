import { BfdState, type StateChange } from '@baremetal-lb/bfd';
import { buildOpen, SessionState } from '@baremetal-lb/bgp';
import { ManualClock, MemoryNetwork, type RemoteEnd, settle } from '@baremetal-lb/bgp/testing';
import { MessageType } from '@baremetal-lb/bgp-wire';
import { buildConfiguration, type ResolvedBgpPeer } from '@baremetal-lb/config';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type BfdControl, BgpSessions } from './bgp-sessions.ts';
import type { DesiredRoute, DesiredRoutes } from './desired-routes.ts';

const ROUTER = '198.51.100.1';
const ASN = 64512;
const log = pino({ level: 'silent' });

/** Resolves BGPPeer and BFDProfile objects as the speaker does, for node n1. */
function peers(objects: object[], bfdProfiles: object[] = []): ResolvedBgpPeer[] {
  return [
    ...buildConfiguration({
      bgpPeers: objects,
      bfdProfiles,
      nodes: [{ metadata: { name: 'n1', labels: {} } }],
    }).bgpPeers,
  ];
}

const routerPeer = (spec: object = {}) => ({
  metadata: { name: 'router' },
  spec: { myASN: ASN, peerASN: ASN, peerAddress: ROUTER, ...spec },
});

const route = (prefix: string, over: Partial<DesiredRoute> = {}): DesiredRoute => ({
  prefix,
  localPref: undefined,
  communities: [],
  largeCommunities: [],
  ...over,
});

function plan(list: ResolvedBgpPeer[], routes: readonly DesiredRoute[] = []): DesiredRoutes {
  return { peers: list.map((peer) => ({ peer, routes })), withheld: [], services: [] };
}

class FakeBfd implements BfdControl {
  readonly added: Parameters<BfdControl['addSession']>[0][] = [];
  readonly removed: string[] = [];
  #listener: ((change: StateChange) => void) | undefined;
  onStateChange(listener: (change: StateChange) => void) {
    this.#listener = listener;
    return () => {};
  }
  async addSession(spec: Parameters<BfdControl['addSession']>[0]) {
    this.added.push(spec);
  }
  async removeSession(peer: { peerAddress: string }) {
    this.removed.push(peer.peerAddress);
    return true;
  }
  async close() {}
  change(peerAddress: string, from: BfdState, to: BfdState) {
    this.#listener?.({ peerAddress, from, to, diagnostic: 0, multihop: false, atUs: 0 });
  }
}

type Setup = { network: MemoryNetwork; sessions: BgpSessions; bfd: FakeBfd; clock: ManualClock };
const open: Setup[] = [];

function setup(): Setup {
  const network = new MemoryNetwork();
  const bfd = new FakeBfd();
  const clock = new ManualClock();
  const sessions = new BgpSessions({
    nodeName: 'n1',
    nodeAddresses: () => ['198.51.100.10'],
    transport: network.transport,
    startBfd: async () => bfd,
    log,
    clock,
  });
  const s = { network, sessions, bfd, clock };
  open.push(s);
  return s;
}

/** Runs `shutdown` with each router closing its side once ours is closed, as a router does. */
async function shutDownAnswered({ sessions, network }: Setup): Promise<void> {
  let done = false;
  const shutdown = sessions.shutdown().then(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setTimeout(r, 5));
    for (const remote of network.connects) if (remote.hungUp) remote.close();
  }
  await shutdown;
}

/** Starts `shutdown` and waits until `remote` has seen our side close. */
async function startShutdown(
  sessions: BgpSessions,
  remote: RemoteEnd,
): Promise<{ done: () => boolean; finished: Promise<void> }> {
  let done = false;
  const finished = sessions.shutdown().then(() => {
    done = true;
  });
  while (!remote.hungUp) await new Promise((r) => setTimeout(r, 5));
  await settle();
  return { done: () => done, finished };
}

afterEach(async () => {
  for (const s of open.splice(0)) await shutDownAnswered(s);
});

/** Accepts the newest connection and brings the session up (the router's side scripted). */
async function establish(network: MemoryNetwork, gracefulRestart = false): Promise<RemoteEnd> {
  const remote = network.connects.at(-1)!;
  remote.accept('198.51.100.10');
  await settle();
  remote.take();
  remote.send(
    buildOpen({
      localAsn: ASN,
      routerId: 0xc6336401,
      holdTimeSeconds: 90,
      ipv4: true,
      ipv6: true,
      ...(gracefulRestart ? { gracefulRestart: { restartTimeSeconds: 120, restarting: false } } : {}),
    }),
  );
  remote.send({ type: MessageType.keepalive });
  await settle();
  return remote;
}

const types = (remote: RemoteEnd) => remote.take().map((m) => m.type);

describe('BgpSessions', () => {
  it('opens a session per peer; an unchanged plan keeps it and sends only the route differences', async () => {
    const { network, sessions } = setup();
    const list = peers([routerPeer()]);
    sessions.apply(plan(list, [route('198.18.0.1/32'), route('198.18.0.2/32')]));
    expect(network.connects).toHaveLength(1);
    const remote = await establish(network);
    const peer = sessions.sessions.get('router')!.peer;
    expect(peer.state).toBe(SessionState.established);
    expect(peer.status().advertisedPrefixes).toBe(2);
    remote.take();

    const before = peer.status().counters;
    // Same peer (resolved again, as after any config change), one route gone, one new, one kept.
    sessions.apply(plan(peers([routerPeer()]), [route('198.18.0.2/32'), route('198.18.0.3/32')]));
    await settle();
    expect(network.connects).toHaveLength(1);
    expect(sessions.sessions.get('router')!.peer).toBe(peer);
    const after = peer.status().counters;
    expect(after.prefixesAnnounced - before.prefixesAnnounced).toBe(1);
    expect(after.prefixesWithdrawn - before.prefixesWithdrawn).toBe(1);
    expect(after.establishedTransitions).toBe(1);

    // Nothing changed at all: nothing is sent.
    const sent = peer.status().counters.updatesSent;
    sessions.apply(plan(peers([routerPeer()]), [route('198.18.0.2/32'), route('198.18.0.3/32')]));
    await settle();
    expect(peer.status().counters.updatesSent).toBe(sent);
  });

  it('a changed attribute re-sends that route only', async () => {
    const { network, sessions } = setup();
    sessions.apply(plan(peers([routerPeer()]), [route('198.18.0.1/32'), route('198.18.0.2/32')]));
    await establish(network);
    const peer = sessions.sessions.get('router')!.peer;
    const before = peer.status().counters.prefixesAnnounced;
    sessions.apply(
      plan(peers([routerPeer()]), [
        route('198.18.0.1/32', { communities: ['64512:1'] }),
        route('198.18.0.2/32'),
      ]),
    );
    await settle();
    expect(peer.status().counters.prefixesAnnounced - before).toBe(1);
  });

  it('a changed peer is closed (Cease) and opened again; a removed one is closed', async () => {
    const { network, sessions } = setup();
    sessions.apply(plan(peers([routerPeer()])));
    const remote = await establish(network);
    remote.take();
    sessions.apply(plan(peers([routerPeer({ holdTime: '30s' })])));
    await settle();
    expect(types(remote)).toContain(MessageType.notification);
    expect(network.connects).toHaveLength(2);
    expect(network.connects[1]!.options?.peerAddress).toBe(ROUTER);
    sessions.apply(plan([]));
    expect(sessions.sessions.size).toBe(0);
  });

  it('peers this speaker cannot run are reported, not opened', () => {
    const { network, sessions } = setup();
    sessions.apply(
      plan(
        peers([
          { metadata: { name: 'unnumbered' }, spec: { myASN: ASN, peerASN: ASN, interface: 'eth0' } },
          {
            metadata: { name: 'vrf' },
            spec: { myASN: ASN, peerASN: 64513, peerAddress: ROUTER, vrf: 'red' },
          },
        ]),
      ),
    );
    expect(network.connects).toHaveLength(0);
    expect([...sessions.problems.keys()].sort()).toEqual(['unnumbered', 'vrf']);
  });

  it('the password, GTSM-free multihop TTL and timers reach the session', () => {
    const { network, sessions } = setup();
    sessions.apply(
      plan(peers([routerPeer({ peerASN: 64513, password: 's3cret', ebgpMultiHop: true, holdTime: '9s' })])),
    );
    const options = network.connects[0]!.options!;
    expect(options).toMatchObject({ peerAddress: ROUTER, password: 's3cret', ttl: 255 });
    expect(sessions.sessions.get('router')!.peer.options.holdTimeSeconds).toBe(9);
  });

  it('BFD from the profile; BFD Down tears the BGP session down', async () => {
    const { network, sessions, bfd } = setup();
    const list = peers(
      [routerPeer({ bfdProfile: 'fast' })],
      [
        {
          metadata: { name: 'fast' },
          spec: { receiveInterval: 50, transmitInterval: 50, detectMultiplier: 3 },
        },
      ],
    );
    sessions.apply(plan(list, [route('198.18.0.1/32')]));
    await establish(network);
    await settle();
    expect(bfd.added).toEqual([
      {
        peerAddress: ROUTER,
        receiveIntervalMs: 50,
        transmitIntervalMs: 50,
        detectMultiplier: 3,
        passive: false,
      },
    ]);
    const peer = sessions.sessions.get('router')!.peer;
    bfd.change(ROUTER, BfdState.init, BfdState.up);
    expect(peer.state).toBe(SessionState.established);
    bfd.change(ROUTER, BfdState.up, BfdState.down);
    await settle();
    expect(peer.state).not.toBe(SessionState.established);
    expect(peer.status().lastError?.text).toBe('Cease / BFD Down (6/10)');
    sessions.apply(plan([]));
    await settle();
    expect(bfd.removed).toEqual([ROUTER]);
  });

  it('shutdown withdraws every route, closes with Cease, and waits until the router closes its side', async () => {
    const { network, sessions } = setup();
    sessions.apply(plan(peers([routerPeer()]), [route('198.18.0.1/32')]));
    const remote = await establish(network);
    remote.take();
    const { done, finished } = await startShutdown(sessions, remote);
    expect(types(remote)).toEqual([MessageType.update, MessageType.notification]);
    // The router has not read them yet: the process must not exit.
    expect(done()).toBe(false);
    remote.close();
    await finished;
  });

  it('shutdown waits at most 2 s for a router that never closes its side', async () => {
    const { network, sessions, clock } = setup();
    sessions.apply(plan(peers([routerPeer()]), [route('198.18.0.1/32')]));
    const remote = await establish(network);
    const { done, finished } = await startShutdown(sessions, remote);
    clock.advance(1_999);
    await settle();
    expect(done()).toBe(false);
    clock.advance(1);
    await finished;
  });

  it('shutdown with graceful restart negotiated leaves the routes: no withdrawal, no NOTIFICATION', async () => {
    const { network, sessions } = setup();
    sessions.apply(plan(peers([routerPeer({ enableGracefulRestart: true })]), [route('198.18.0.1/32')]));
    const remote = await establish(network, true);
    remote.take();
    const { finished } = await startShutdown(sessions, remote);
    remote.close();
    await finished;
    expect(types(remote)).toEqual([]);
  });

  it('IPv6 routes go only to sessions that carry IPv6 (dualStackAddressFamily on an IPv4 session)', async () => {
    const { network, sessions } = setup();
    const routes = [route('198.18.0.1/32'), route('2001:db8:5::1/128')];
    sessions.apply(plan(peers([routerPeer()]), routes));
    await establish(network);
    expect(sessions.sessions.get('router')!.peer.status().configuredRoutes).toBe(1);
    sessions.apply(plan(peers([routerPeer({ dualStackAddressFamily: true })]), routes));
    expect(sessions.sessions.get('router')!.peer.status().configuredRoutes).toBe(2);
  });
});
