/**
 * Graceful restart (RFC 4724) end to end: a BGPPeer with enableGracefulRestart, FRR as the helper
 * (restart time 120 s). A SIGTERMed speaker leaves its routes with the router (no withdrawal, no
 * NOTIFICATION); FRR keeps them, marked stale, while the speaker is away; the restarted speaker
 * re-establishes the session, re-sends its routes and End-of-RIB, and FRR clears the stale mark.
 */
import { binariesAreReady } from '@baremetal-lb/envtest';
import { checkPrerequisites } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASN, type BgpLab, createBgpLab } from './bgp-lab.ts';
import { createLbService, createMetallbObject, type SpeakerProcess, waitFor } from './speaker-lab.ts';

const apiServerBuilt = await binariesAreReady();
const ready = checkPrerequisites('speaker BGP graceful restart e2e (namespaces, FRR bgpd, kube-apiserver)', {
  root: true,
  commands: [
    { name: 'vtysh', debianPackage: 'frr' },
    { name: '/usr/lib/frr/bgpd', debianPackage: 'frr' },
    ...(apiServerBuilt ? [] : [{ name: 'go', debianPackage: 'golang-go' }]),
  ],
});

const PREFIX = '198.18.100.20/32';

describe.skipIf(!ready)('speaker BGP graceful restart e2e (FRR as helper)', () => {
  let lab: BgpLab;
  let speaker: SpeakerProcess;

  /** FRR's path for PREFIX: undefined when it has none; `stale` as FRR marks it. */
  const path = async () => {
    const json = JSON.parse(await lab.router.vtysh(`show bgp ipv4 unicast ${PREFIX} json`)) as {
      paths?: { stale?: boolean }[];
    };
    return json.paths?.[0];
  };

  beforeAll(async () => {
    lab = await createBgpLab({ gracefulRestartSeconds: 120 });
    await createMetallbObject(lab.t, 'bgpadvertisements', {
      kind: 'BGPAdvertisement',
      metadata: { name: 'adv' },
      spec: { ipAddressPools: ['bgp-pool'] },
    });
    await lab.createBgpPeer('router', {
      myASN: ASN,
      peerASN: ASN,
      peerAddress: lab.t.peer.ipv4,
      holdTime: '9s',
      enableGracefulRestart: true,
    });
    speaker = await lab.t.start(lab.node);
    await createLbService(lab.t, 'web', ['198.18.100.20'], 'Cluster', ['nodeb']);
    await waitFor(async () => (await path()) !== undefined, 30_000, 'the route in FRR');
  }, 300_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  it('SIGTERM leaves the route with the router (stale), the restarted speaker refreshes it', async () => {
    const updatesBefore = (await lab.neighbor()).messageStats?.updatesRecv ?? 0;
    await lab.t.kill(lab.node, 'SIGTERM');
    expect(speaker.child.exitCode).toBe(0);
    expect(speaker.logs.some((l) => l.includes('"event":"gracefulRestart"'))).toBe(true);
    await waitFor(
      async () => (await lab.neighbor()).bgpState !== 'Established',
      15_000,
      'the session down in FRR',
    );
    // No withdrawal was sent, and FRR keeps the route through the restart time.
    expect((await lab.neighbor()).messageStats?.updatesRecv ?? 0).toBe(updatesBefore);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await path()).toMatchObject({ stale: true });

    speaker = await lab.t.start(lab.node);
    await waitFor(async () => (await lab.neighbor()).bgpState === 'Established', 30_000, 'the session back');
    await waitFor(async () => (await path())?.stale !== true, 15_000, 'the stale mark cleared (End-of-RIB)');
    expect(await path()).toBeDefined();
  }, 90_000);
});
