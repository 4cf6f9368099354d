/**
 * Interop with BIRD 2, FRR bgpd and GoBGP in network namespaces (as root): our speaker in one
 * namespace, the router in the other, one veth link between them. For each router: eBGP to a
 * 4-octet AS with TCP MD5, IPv4 and IPv6 (MP-BGP over the IPv4 session) routes carrying
 * communities and large communities read back from the router's RIB, withdraw; iBGP inside AS
 * 4200000000 with LOCAL_PREF; a wrong MD5 password never comes up; and a silently cut link is
 * noticed through the hold timer. Timings are printed, never asserted tightly (2 shared cores).
 */
import { Server, Socket } from 'node:net';
import {
  checkPrerequisites,
  createLab,
  type Lab,
  type LabHost,
  resumeProcess,
  suspendProcess,
} from '@baremetal-lb/lab';
import { openStreamFd } from '@baremetal-lb/packet-socket';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BgpPeer } from '../src/bgp-peer.ts';
import { BgpSpeaker } from '../src/bgp-speaker.ts';
import type { PeerOptions } from '../src/peer-options.ts';
import { SessionState } from '../src/session-state.ts';
import { createTcpTransport } from '../src/tcp-transport.ts';
import {
  type BgpRouter,
  ROUTERS,
  type RouterName,
  type RouterOptions,
  type RouterRoute,
} from './bgp-routers.ts';
import { createMultihopTopology, type MultihopTopology } from './multihop-topology.ts';
import { waitUntil } from './wait-until.ts';

const ready = checkPrerequisites('bgp router interop', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'bird', debianPackage: 'bird2' },
    { name: 'birdc', debianPackage: 'bird2' },
    { name: 'vtysh', debianPackage: 'frr' },
    { name: 'gobgpd', debianPackage: 'gobgpd' },
    { name: 'gobgp', debianPackage: 'gobgpd' },
    { name: 'iptables', debianPackage: 'iptables' },
  ],
});

const OUR_ASN = 64512;
const ROUTER_ASN = 4200000000;

describe.skipIf(!ready)('BGP interop with BIRD 2, FRR and GoBGP (as root, network namespaces)', () => {
  let lab: Lab;
  let speakerHost: LabHost;
  let routerHost: LabHost;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    lab = await createLab({
      nodes: ['speaker', 'router'],
      bridge: 'none',
      ipv4Subnet: '198.51.100.0/24',
      ipv6Prefix: '2001:db8:b95::/64',
    });
    [speakerHost, routerHost] = lab.nodes as [LabHost, LabHost];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  async function startRouter(name: RouterName, options: Partial<RouterOptions> = {}): Promise<BgpRouter> {
    const router = await ROUTERS[name](routerHost, {
      routerAsn: ROUTER_ASN,
      local: routerHost.ipv4,
      peer: speakerHost.ipv4,
      peerAsn: OUR_ASN,
      ...options,
    });
    cleanups.push(() => router.stop());
    return router;
  }

  async function startOurs(localAsn: number, options: Partial<PeerOptions> = {}): Promise<BgpPeer> {
    const speaker = new BgpSpeaker({
      localAsn,
      routerId: speakerHost.ipv4,
      transport: createTcpTransport({ netns: speakerHost.namespacePath }),
    });
    cleanups.push(() => speaker.close({ graceful: true }));
    // The routers connect to us too: the listener makes collisions (RFC 4271 section 6.8) real.
    await speaker.listen({ address: speakerHost.ipv4, port: 179 });
    const peer = speaker.addPeer({
      peerAddress: routerHost.ipv4,
      peerAsn: ROUTER_ASN,
      localAddress: speakerHost.ipv4,
      nextHopIpv6: speakerHost.ipv6,
      connectRetrySeconds: 3,
      backoff: { initialMs: 200, maxMs: 2000 },
      ...options,
    });
    peer.start();
    return peer;
  }

  async function bothUp(peer: BgpPeer, router: BgpRouter): Promise<void> {
    await waitUntil(
      async () => peer.state === SessionState.established && (await router.established()),
      30_000,
      'Established on both sides',
    );
  }

  async function routeIn(router: BgpRouter, family: 4 | 6, prefix: string): Promise<RouterRoute> {
    let found: RouterRoute | undefined;
    await waitUntil(
      async () => {
        found = (await router.routes(family)).find((r) => r.prefix === prefix);
        return found !== undefined;
      },
      15_000,
      `${prefix} in ${router.name}'s RIB`,
    );
    return found!;
  }

  for (const name of Object.keys(ROUTERS) as RouterName[]) {
    describe(name, () => {
      it('eBGP to AS 4200000000 with MD5: IPv4 and IPv6 routes with communities arrive, withdraw removes them', async () => {
        const router = await startRouter(name, { password: 'bgp-md5-secret' });
        const peer = await startOurs(OUR_ASN, { password: 'bgp-md5-secret' });
        await bothUp(peer, router);
        peer.announce(
          {
            prefix: '203.0.113.10/32',
            communities: ['64512:7', 0xffffff01],
            largeCommunities: ['4200000000:1:2'],
          },
          { prefix: '2001:db8:5e::10/128', communities: ['64512:8'] },
        );
        const v4 = await routeIn(router, 4, '203.0.113.10/32');
        expect(v4).toMatchObject({
          nextHop: speakerHost.ipv4,
          asPath: [OUR_ASN],
          largeCommunities: ['4200000000:1:2'],
        });
        expect(v4.communities).toContain('64512:7');
        expect(v4.communities.some((c) => c === 'no-export' || c === '65535:65281')).toBe(true);
        const v6 = await routeIn(router, 6, '2001:db8:5e::10/128');
        expect(v6).toMatchObject({ nextHop: speakerHost.ipv6, asPath: [OUR_ASN], communities: ['64512:8'] });
        peer.withdraw('203.0.113.10/32', '2001:db8:5e::10/128');
        await waitUntil(
          async () => (await router.routes(4)).length === 0 && (await router.routes(6)).length === 0,
          15_000,
          'withdrawn',
        );
        expect(peer.status().counters).toMatchObject({ notificationsReceived: 0, notificationsSent: 0 });
      });

      it('withdraw then Cease: whenClosed resolves only after the router has read them (router stalled 1.5 s)', async () => {
        const router = await startRouter(name);
        const peer = await startOurs(OUR_ASN);
        await bothUp(peer, router);
        peer.announce({ prefix: '203.0.113.15/32' });
        await routeIn(router, 4, '203.0.113.15/32');
        // A stalled router: its kernel still ACKs our bytes, but the daemon reads nothing.
        await suspendProcess(router.process.pid!);
        let resumedAt = 0;
        try {
          peer.withdraw('203.0.113.15/32');
          await Promise.resolve();
          peer.stop({ message: 'shutting down' });
          const closedAt = peer.whenClosed().then(() => performance.now());
          await new Promise((resolve) => setTimeout(resolve, 1500));
          resumedAt = performance.now();
          resumeProcess(router.process.pid!);
          const closed = await closedAt;
          console.log(`${name}: closed its side ${(closed - resumedAt).toFixed(0)} ms after resuming`);
          // Only the router's own close ends the wait (the transport's limit is 5 s).
          expect(closed).toBeGreaterThan(resumedAt);
        } finally {
          if (resumedAt === 0) resumeProcess(router.process.pid!);
        }
        await waitUntil(async () => (await router.routes(4)).length === 0, 15_000, 'withdrawn');
        expect(peer.status().counters.notificationsSent).toBe(1);
      });

      it('eBGP over IPv6: the session address is the IPv6 next hop; IPv4 routes use the configured one', async () => {
        const router = await startRouter(name, { local: routerHost.ipv6, peer: speakerHost.ipv6 });
        const speaker = new BgpSpeaker({
          localAsn: OUR_ASN,
          routerId: speakerHost.ipv4,
          transport: createTcpTransport({ netns: speakerHost.namespacePath }),
        });
        cleanups.push(() => speaker.close({ graceful: true }));
        await speaker.listen({ address: speakerHost.ipv6, port: 179 });
        const peer = speaker.addPeer({
          peerAddress: routerHost.ipv6,
          peerAsn: ROUTER_ASN,
          localAddress: speakerHost.ipv6,
          nextHopIpv4: speakerHost.ipv4,
          connectRetrySeconds: 3,
          backoff: { initialMs: 200, maxMs: 2000 },
        });
        peer.start();
        await bothUp(peer, router);
        peer.announce({ prefix: '2001:db8:5e::20/128' }, { prefix: '203.0.113.21/32' });
        expect(await routeIn(router, 6, '2001:db8:5e::20/128')).toMatchObject({
          nextHop: speakerHost.ipv6,
          asPath: [OUR_ASN],
        });
        expect(await routeIn(router, 4, '203.0.113.21/32')).toMatchObject({ nextHop: speakerHost.ipv4 });
      });

      it('iBGP inside AS 4200000000: LOCAL_PREF and an empty AS_PATH in the RIB', async () => {
        const router = await startRouter(name, { peerAsn: ROUTER_ASN });
        const peer = await startOurs(ROUTER_ASN);
        await bothUp(peer, router);
        peer.announce({ prefix: '203.0.113.20/32', localPref: 300 });
        const route = await routeIn(router, 4, '203.0.113.20/32');
        expect(route).toMatchObject({ nextHop: speakerHost.ipv4, asPath: [], localPref: 300 });
      });

      it('route refresh from the router gets the Adj-RIB-Out again; a restarted router gets every route back', async () => {
        let router = await startRouter(name);
        const peer = await startOurs(OUR_ASN);
        await bothUp(peer, router);
        peer.announce({ prefix: '203.0.113.30/32' }, { prefix: '203.0.113.31/32' });
        await routeIn(router, 4, '203.0.113.31/32');
        const announcedBefore = peer.status().counters.prefixesAnnounced;
        // GoBGP keeps an Adj-RIB-In and answers `softresetin` from it without asking us.
        if (await router.refresh()) {
          await waitUntil(() => peer.status().counters.routeRefreshesReceived >= 1, 15_000, 'ROUTE-REFRESH');
          await waitUntil(
            () => peer.status().counters.prefixesAnnounced >= announcedBefore + 2,
            5_000,
            'the routes re-sent',
          );
        }
        await router.stop();
        await waitUntil(
          () => peer.state !== SessionState.established,
          15_000,
          'session down after the router stopped',
        );
        router = await startRouter(name);
        await bothUp(peer, router);
        await routeIn(router, 4, '203.0.113.30/32');
        await routeIn(router, 4, '203.0.113.31/32');
        expect(peer.status().counters.establishedTransitions).toBe(2);
      });

      it('graceful restart: the router keeps our route while we restart; without the capability it goes at once', async () => {
        const router = await startRouter(name, { gracefulRestartSeconds: 60 });
        let peer = await startOurs(OUR_ASN, { gracefulRestart: { restartTimeSeconds: 60 } });
        await bothUp(peer, router);
        expect(peer.status().negotiated?.peerGracefulRestart).toBeDefined();
        peer.announce({ prefix: '203.0.113.40/32' });
        await routeIn(router, 4, '203.0.113.40/32');
        // Our planned restart: the session closes without a NOTIFICATION (RFC 4724 section 4.1).
        cleanups.pop()?.();
        const stopped = Date.now();
        while (Date.now() - stopped < 3000) {
          expect((await router.routes(4)).map((r) => r.prefix)).toContain('203.0.113.40/32');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        peer = await startOurs(OUR_ASN, { gracefulRestart: { restartTimeSeconds: 60, restarting: true } });
        peer.announce({ prefix: '203.0.113.40/32' });
        await bothUp(peer, router);
        await routeIn(router, 4, '203.0.113.40/32');
        expect(peer.status().counters.prefixesAnnounced).toBe(1);

        // Control: without our graceful restart capability, a fresh router of the same configuration
        // drops the route as soon as we go.
        await cleanups.pop()?.();
        await router.stop();
        const fresh = await startRouter(name, { gracefulRestartSeconds: 60 });
        const plainPeer = await startOurs(OUR_ASN);
        await bothUp(plainPeer, fresh);
        plainPeer.announce({ prefix: '203.0.113.41/32' });
        await routeIn(fresh, 4, '203.0.113.41/32');
        await cleanups.pop()?.();
        await waitUntil(
          async () => !(await fresh.routes(4)).some((r) => r.prefix === '203.0.113.41/32'),
          10_000,
          'the route dropped without graceful restart',
        );
      }, 60_000);

      if (name === 'bird') {
        it('graceful restart: traffic to our address keeps flowing through the router while we restart', async () => {
          // BIRD installs our route into its namespace's kernel; the address lives on our loopback.
          const router = await startRouter(name, { gracefulRestartSeconds: 60, exportToKernel: true });
          await speakerHost.exec('ip', ['addr', 'add', '203.0.113.50/32', 'dev', 'lo']);
          cleanups.push(async () => {
            await speakerHost.exec('ip', ['addr', 'del', '203.0.113.50/32', 'dev', 'lo']);
          });
          // Traffic: TCP connections from the router's namespace to a server on that address.
          const server = new Server((socket) => socket.end());
          server.listen({
            fd: openStreamFd({
              family: 4,
              netns: speakerHost.namespacePath,
              localAddress: '203.0.113.50',
              localPort: 8080,
            }),
          });
          cleanups.push(() => {
            server.close();
          });
          const ping = () =>
            new Promise<boolean>((resolve) => {
              const socket = new Socket({ fd: openStreamFd({ family: 4, netns: routerHost.namespacePath }) });
              const done = (ok: boolean) => {
                socket.destroy();
                resolve(ok);
              };
              socket.setTimeout(1000, () => done(false));
              socket.once('error', () => done(false));
              socket.connect({ host: '203.0.113.50', port: 8080 }, () => done(true));
            });
          expect(await ping()).toBe(false); // no route yet
          let peer = await startOurs(OUR_ASN, { gracefulRestart: { restartTimeSeconds: 60 } });
          await bothUp(peer, router);
          peer.announce({ prefix: '203.0.113.50/32' });
          await waitUntil(ping, 15_000, 'ping through the router');
          await cleanups.pop()?.(); // our graceful shutdown
          const stopped = Date.now();
          let pings = 0;
          while (Date.now() - stopped < 3000) {
            expect(await ping()).toBe(true);
            pings++;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          peer = await startOurs(OUR_ASN, { gracefulRestart: { restartTimeSeconds: 60, restarting: true } });
          peer.announce({ prefix: '203.0.113.50/32' });
          await bothUp(peer, router);
          expect(await ping()).toBe(true);
          console.log(`bird: ${pings} TCP connections through the router during our restart, all accepted`);
        }, 60_000);
      }

      if (name === 'bird') {
        it('a 2-octet-only router (no 4-octet capability): AS_PATH in 2-octet form', async () => {
          // BIRD with `enable as4 off` still reads our capability for our AS, so it cannot peer with
          // a 4-octet AS; AS_TRANS with AS4_PATH is covered by the unit tests instead.
          const router = await startRouter(name, { routerAsn: 64999, twoOctetOnly: true });
          const peer = await startOurs(OUR_ASN, { peerAsn: 64999 });
          await bothUp(peer, router);
          expect(peer.status().negotiated?.fourOctetAs).toBe(false);
          peer.announce({ prefix: '203.0.113.70/32', communities: ['64512:70'] });
          expect(await routeIn(router, 4, '203.0.113.70/32')).toMatchObject({
            asPath: [OUR_ASN],
            communities: ['64512:70'],
          });
        });
      }

      it('a wrong MD5 password never comes up', async () => {
        const router = await startRouter(name, { password: 'right-password' });
        const peer = await startOurs(OUR_ASN, { password: 'wrong-password' });
        await new Promise((resolve) => setTimeout(resolve, 4000));
        expect(await router.established()).toBe(false);
        expect(peer.status().counters.opensReceived).toBe(0);
        expect(peer.state).not.toBe(SessionState.established);
      });

      it('a silently cut link is noticed within the hold time', async () => {
        const router = await startRouter(name, { holdTimeSeconds: 6 });
        const peer = await startOurs(OUR_ASN, { holdTimeSeconds: 6 });
        await bothUp(peer, router);
        const cut = Date.now();
        // Every packet dropped on the router's side: no RST, no FIN, no link change. (Setting the
        // link down would also flush its IPv6 addresses, which later tests use.)
        await routerHost.exec('iptables', ['-A', 'INPUT', '-j', 'DROP']);
        await routerHost.exec('iptables', ['-A', 'OUTPUT', '-j', 'DROP']);
        cleanups.push(async () => {
          await routerHost.exec('iptables', ['-F']);
        });
        await waitUntil(() => peer.state !== SessionState.established, 30_000, 'our session to go down');
        const noticedMs = Date.now() - cut;
        console.log(
          `${name}: link cut noticed after ${noticedMs} ms (hold time 6000 ms): ${peer.status().lastError?.text}`,
        );
        expect(peer.status().lastError?.text).toBe('Hold Timer Expired (4/0)');
        // Within the hold time plus scheduling slack on a loaded machine; TCP alone would take minutes.
        expect(noticedMs).toBeLessThan(15_000);
      });
    });
  }
});

describe.skipIf(!ready)('eBGP multihop and GTSM through a forwarding namespace (as root)', () => {
  let topology: MultihopTopology;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(() => {
    topology = createMultihopTopology();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => {
    topology?.destroy();
  });

  async function session(name: RouterName, ours: Partial<PeerOptions>) {
    const { speaker: speakerHost, router: routerHost } = topology;
    const router = await ROUTERS[name](routerHost, {
      routerAsn: ROUTER_ASN,
      local: routerHost.ipv4,
      peer: speakerHost.ipv4,
      peerAsn: OUR_ASN,
      multihop: 2,
    });
    cleanups.push(() => router.stop());
    const speaker = new BgpSpeaker({
      localAsn: OUR_ASN,
      routerId: speakerHost.ipv4,
      transport: createTcpTransport({ netns: speakerHost.namespacePath }),
    });
    cleanups.push(() => speaker.close());
    const peer = speaker.addPeer({
      peerAddress: routerHost.ipv4,
      peerAsn: ROUTER_ASN,
      connectRetrySeconds: 2,
      backoff: { initialMs: 200, maxMs: 1000 },
      ...ours,
    });
    peer.start();
    return { router, peer };
  }

  for (const name of ['bird', 'frr', 'gobgp'] as const) {
    it(`${name}: TTL 1 never reaches the router; TTL 2 comes up and the route arrives`, async () => {
      const single = await session(name, { ttl: 1 });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(single.peer.status().counters.opensReceived).toBe(0);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

      const { router, peer } = await session(name, { ttl: 2 });
      await waitUntil(
        async () => peer.state === SessionState.established && (await router.established()),
        30_000,
        'Established',
      );
      peer.announce({ prefix: '198.18.7.0/24' });
      await waitUntil(
        async () =>
          (await router.routes(4)).some(
            (r) => r.prefix === '198.18.7.0/24' && r.nextHop === topology.speaker.ipv4,
          ),
        15_000,
        'the route via the speaker',
      );
    }, 60_000);

    it(`${name}: GTSM — with minTtl 255 the router's segments (TTL ≤ 2 on arrival) are dropped`, async () => {
      const { peer } = await session(name, { ttl: 2, minTtl: 255 });
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(peer.state).not.toBe(SessionState.established);
      expect(peer.status().counters.opensReceived).toBe(0);
    }, 30_000);
  }
});
