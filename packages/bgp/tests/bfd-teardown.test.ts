/**
 * Issue 19's test: BFD Down tears the BGP session down. BIRD 2 runs BGP with `bfd on` next to our
 * speaker, whose BFD sessions come from @baremetal-lb/bfd; when the link dies, BIRD's BFD notices
 * within its detection time (3 × 100 ms) and withdraws our route, and ours tears our session down
 * with Cease / BFD Down, both long before the 90 s hold time. Times are printed, asserted loosely.
 */
import { BfdState, BfdWorker } from '@baremetal-lb/bfd';
import { checkPrerequisites, createLab, type Lab, type LabHost } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp-speaker.ts';
import { SessionState } from '../src/session-state.ts';
import { createTcpTransport } from '../src/tcp-transport.ts';
import { startBird } from './bgp-routers.ts';
import { waitUntil } from './wait-until.ts';

const ready = checkPrerequisites('bgp + bfd teardown', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'bird', debianPackage: 'bird2' },
    { name: 'birdc', debianPackage: 'bird2' },
    { name: 'iptables', debianPackage: 'iptables' },
  ],
});

describe.skipIf(!ready)('BFD Down tears the BGP session down (BIRD 2, as root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await createLab({
      nodes: ['speaker', 'router'],
      bridge: 'none',
      ipv4Subnet: '198.51.100.0/24',
      ipv6Prefix: '2001:db8:b99::/64',
    });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('a cut link: BIRD withdraws our route and our session goes down within BFD detection, not the hold time', async () => {
    const [speakerHost, routerHost] = lab.nodes as [LabHost, LabHost];
    const router = await startBird(routerHost, {
      routerAsn: 4200000000,
      local: routerHost.ipv4,
      peer: speakerHost.ipv4,
      peerAsn: 64512,
      holdTimeSeconds: 90,
      bfd: { intervalMs: 100, multiplier: 3 },
    });
    const bfd = await BfdWorker.start({
      netns: speakerHost.namespacePath,
      listenAddress: { 4: speakerHost.ipv4 },
    });
    const speaker = new BgpSpeaker({
      localAsn: 64512,
      routerId: speakerHost.ipv4,
      transport: createTcpTransport({ netns: speakerHost.namespacePath }),
    });
    try {
      const peer = speaker.addPeer({
        peerAddress: routerHost.ipv4,
        peerAsn: 4200000000,
        holdTimeSeconds: 90,
      });
      let bfdUp = false;
      bfd.onStateChange((change) => {
        if (change.peerAddress !== routerHost.ipv4) return;
        bfdUp = change.to === BfdState.up;
        if (change.from === BfdState.up && change.to === BfdState.down) peer.bfdDown();
      });
      await bfd.addSession({
        peerAddress: routerHost.ipv4,
        localAddress: speakerHost.ipv4,
        receiveIntervalMs: 100,
        transmitIntervalMs: 100,
        detectMultiplier: 3,
      });
      peer.start();
      peer.announce({ prefix: '203.0.113.60/32' });
      await waitUntil(
        async () => bfdUp && (await router.routes(4)).some((r) => r.prefix === '203.0.113.60/32'),
        30_000,
        'BFD up and the route in BIRD',
      );
      const cut = Date.now();
      // A silent cut: every packet dropped in our namespace, no link state change anyone could see.
      await speakerHost.exec('iptables', ['-A', 'INPUT', '-j', 'DROP']);
      await speakerHost.exec('iptables', ['-A', 'OUTPUT', '-j', 'DROP']);
      let withdrawnMs: number | undefined;
      let downMs: number | undefined;
      await waitUntil(
        async () => {
          if (downMs === undefined && peer.state !== SessionState.established) downMs = Date.now() - cut;
          if (
            withdrawnMs === undefined &&
            !(await router.routes(4)).some((r) => r.prefix === '203.0.113.60/32')
          ) {
            withdrawnMs = Date.now() - cut;
          }
          return downMs !== undefined && withdrawnMs !== undefined;
        },
        20_000,
        'both sides to react',
        25,
      );
      console.log(
        `BFD 100 ms × 3: BIRD withdrew our route after ${withdrawnMs} ms, our session went down after ${downMs} ms`,
      );
      expect(peer.status().lastError?.text).toBe('Cease / BFD Down (6/10)');
      // Detection is 300 ms; allow scheduling slack on 2 shared cores. The hold time is 90 s.
      expect(withdrawnMs).toBeLessThan(5_000);
      expect(downMs).toBeLessThan(5_000);
    } finally {
      speaker.close();
      await bfd.close();
      await router.stop();
    }
  }, 60_000);
});
