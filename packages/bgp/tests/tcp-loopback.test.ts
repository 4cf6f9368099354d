/**
 * Real TCP on loopback (no root needed): two speakers of this package, one listening, one
 * connecting, through the native fd path (openStreamFd → net.Socket). TCP MD5 with the same
 * password comes up; a different password never gets past the handshake, because the kernel
 * drops the unsigned or wrongly signed SYN.
 */
import { isAddonAvailable } from '@baremetal-lb/packet-socket';
import { afterEach, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp-speaker.ts';
import { SessionState } from '../src/session-state.ts';
import { createTcpTransport } from '../src/tcp-transport.ts';
import { waitUntil } from './wait-until.ts';

const available = process.platform === 'linux' && isAddonAvailable();
if (!available) {
  const message =
    'SKIP tcp loopback: needs Linux and the packet-socket addon (npm run build:native -w @baremetal-lb/packet-socket)';
  if (process.env.BMLB_REQUIRE_ALL === '1') throw new Error(message);
  console.warn(message);
}

describe.skipIf(!available)('BGP over real TCP on loopback', () => {
  const speakers: BgpSpeaker[] = [];
  afterEach(() => {
    for (const s of speakers.splice(0)) s.close();
  });

  async function pair(passwords: { listener?: string; connector?: string }) {
    const transport = createTcpTransport();
    const router = new BgpSpeaker({ localAsn: 4200000000, routerId: '198.51.100.2', transport });
    const ours = new BgpSpeaker({ localAsn: 64512, routerId: '198.51.100.1', transport });
    speakers.push(router, ours);
    const listener = await router.listen({ address: '127.0.0.1', port: 0 });
    const passive = router.addPeer({
      peerAddress: '127.0.0.1',
      peerAsn: 64512,
      passive: true,
      ...(passwords.listener === undefined ? {} : { password: passwords.listener }),
    });
    const active = ours.addPeer({
      peerAddress: '127.0.0.1',
      peerPort: listener.port,
      peerAsn: 4200000000,
      connectRetrySeconds: 2,
      ttl: 64,
      ...(passwords.connector === undefined ? {} : { password: passwords.connector }),
    });
    passive.start();
    active.start();
    return { passive, active };
  }

  it('comes up and carries a route; both sides count the messages', async () => {
    const { passive, active } = await pair({});
    active.announce({ prefix: '203.0.113.10/32', communities: ['64512:7'] });
    await waitUntil(() => passive.status().counters.prefixesReceived === 1, 10_000);
    expect(active.state).toBe(SessionState.established);
    expect(active.status()).toMatchObject({ localAddress: '127.0.0.1', advertisedPrefixes: 1 });
    expect(passive.status().endOfRibReceived).toEqual({ ipv4: true, ipv6: true });
  });

  it('TCP MD5 with the same password comes up', async () => {
    const { passive, active } = await pair({ listener: 'rfc2385!', connector: 'rfc2385!' });
    await waitUntil(
      () => passive.state === SessionState.established && active.state === SessionState.established,
      10_000,
    );
  });

  it('TCP MD5 with different passwords (or none on one side) never connects', async () => {
    for (const passwords of [{ listener: 'right', connector: 'wrong' }, { listener: 'right' }]) {
      const { passive, active } = await pair(passwords);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(passive.status().counters.opensReceived).toBe(0);
      expect(active.status().counters.opensReceived).toBe(0);
      expect(active.state).not.toBe(SessionState.established);
      for (const s of speakers.splice(0)) s.close();
    }
  });
});
