/**
 * BGP mode end to end: the real speaker process (as the `speaker` ServiceAccount of
 * deploy/rbac/speaker.yaml, against a real kube-apiserver) peers with a real FRR bgpd in the lab's
 * fourth namespace; what the router learned is read back with vtysh. One lab, scenarios in order:
 * a wrong MD5 password from the Secret, the right one, a Service announced with its localPref
 * and communities, a config change that keeps the session, the withdrawal on delete, and SIGTERM.
 */
import { binariesAreReady } from '@baremetal-lb/envtest';
import { checkPrerequisites, type LabHost } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrrRouter, startFrr } from '../../../../packages/bgp/tests/frr-router.ts';
import { sumSamples } from './metric-value.ts';
import {
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  NAMESPACE,
  type SpeakerLab,
  type SpeakerProcess,
  waitFor,
} from './speaker-lab.ts';

const apiServerBuilt = await binariesAreReady();
const ready = checkPrerequisites('speaker BGP e2e (namespaces, FRR bgpd, kube-apiserver)', {
  root: true,
  commands: [
    { name: 'vtysh', debianPackage: 'frr' },
    { name: '/usr/lib/frr/bgpd', debianPackage: 'frr' },
    ...(apiServerBuilt ? [] : [{ name: 'go', debianPackage: 'golang-go' }]),
  ],
});

const ASN = 64512;
/** Service IPs from the benchmarking range: they exist only as routes inside the lab. */
const POOL = '198.18.100.0/24';
const RIGHT = 'right-password';

type Neighbor = {
  bgpState?: string;
  connectionsEstablished?: number;
  messageStats?: { updatesRecv?: number };
  lastResetDueTo?: string;
};

describe.skipIf(!ready)('speaker BGP mode e2e (FRR)', () => {
  let t: SpeakerLab;
  let node: LabHost;
  let router: FrrRouter;
  let speaker: SpeakerProcess;

  const neighbor = async (): Promise<Neighbor> =>
    (JSON.parse(await router.vtysh(`show bgp neighbors ${node.ipv4} json`)) as Record<string, Neighbor>)[
      node.ipv4
    ] ?? {};
  const route = async (prefix: string) => (await router.routes(4)).find((r) => r.prefix === prefix);
  const metrics = async () => (await fetch(`http://${node.ipv4}:7472/metrics`)).text();
  const peerLabel = () => ({ peer: `${t.peer.ipv4}:179` });
  const bgpStatuses = async () =>
    (
      (await t.custom.listNamespacedCustomObject({
        group: 'metallb.io',
        version: 'v1beta1',
        namespace: NAMESPACE,
        plural: 'servicebgpstatuses',
      })) as { items: { metadata: { labels?: Record<string, string> }; status?: Record<string, unknown> }[] }
    ).items;
  const setPassword = (password: string) =>
    t.core.replaceNamespacedSecret({
      name: 'router-pw',
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'router-pw', namespace: NAMESPACE },
        type: 'kubernetes.io/basic-auth',
        stringData: { password },
      },
    });

  beforeAll(async () => {
    t = await createSpeakerLab();
    node = t.nodes[0]!;
    router = await startFrr(t.peer, {
      routerAsn: ASN,
      local: t.peer.ipv4,
      peer: node.ipv4,
      peerAsn: ASN,
      password: RIGHT,
      holdTimeSeconds: 9,
    });
    await createMetallbObject(t, 'ipaddresspools', {
      kind: 'IPAddressPool',
      metadata: { name: 'bgp-pool' },
      spec: { addresses: [POOL] },
    });
    await createMetallbObject(t, 'bgpadvertisements', {
      kind: 'BGPAdvertisement',
      metadata: { name: 'adv' },
      spec: {
        ipAddressPools: ['bgp-pool'],
        localPref: 150,
        communities: ['64512:7', 'large:4200000000:1:2'],
      },
    });
    await t.core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'router-pw' },
        type: 'kubernetes.io/basic-auth',
        stringData: { password: 'wrong-password' },
      },
    });
    await t.custom.createNamespacedCustomObject({
      group: 'metallb.io',
      version: 'v1beta2',
      namespace: NAMESPACE,
      plural: 'bgppeers',
      body: {
        apiVersion: 'metallb.io/v1beta2',
        kind: 'BGPPeer',
        metadata: { name: 'router' },
        spec: {
          myASN: ASN,
          peerASN: ASN,
          peerAddress: t.peer.ipv4,
          holdTime: '9s',
          passwordSecret: { name: 'router-pw' },
        },
      },
    });
    speaker = await t.start(node);
  }, 300_000);

  afterAll(async () => {
    await router?.stop();
    await t?.destroy();
  });

  it('a wrong MD5 password from the Secret: no session, session_up 0, the failure logged', async () => {
    await waitFor(
      async () => (await metrics()).includes(`metallb_bgp_session_up{peer="${t.peer.ipv4}:179"} 0`),
      30_000,
      'the session in the metrics',
    );
    // The router's kernel drops our SYNs signed with the wrong key without a word.
    const warned = () =>
      speaker.logs.find((l) => l.includes('"event":"sessionFailed"') && l.includes('"level":"warn"'));
    await waitFor(() => warned() !== undefined, 30_000, 'the failure in the log');
    console.log(`wrong password, logged: ${warned()}`);
    expect((await neighbor()).bgpState).not.toBe('Established');
    expect(sumSamples(await metrics(), 'metallb_bgp_session_up', peerLabel())).toBe(0);
  }, 60_000);

  it('the right password in the Secret: the changed peer is re-established', async () => {
    await setPassword(RIGHT);
    await waitFor(async () => (await neighbor()).bgpState === 'Established', 30_000, 'Established in FRR');
    await waitFor(
      async () => sumSamples(await metrics(), 'metallb_bgp_session_up', peerLabel()) === 1,
      10_000,
      'session_up 1',
    );
  }, 60_000);

  it('a Service: its /32 in the router with our next hop, localPref and communities; ServiceBGPStatus', async () => {
    const start = Date.now();
    await createLbService(t, 'web', ['198.18.100.10'], 'Cluster', ['nodeb']);
    await waitFor(async () => (await route('198.18.100.10/32')) !== undefined, 20_000, 'the route in FRR');
    console.log(
      `Service status written → route in FRR's RIB: ${Date.now() - start} ms (one sample, not asserted)`,
    );
    expect(await route('198.18.100.10/32')).toEqual({
      prefix: '198.18.100.10/32',
      nextHop: node.ipv4,
      asPath: [],
      localPref: 150,
      communities: ['64512:7'],
      largeCommunities: ['4200000000:1:2'],
    });
    await waitFor(async () => (await bgpStatuses()).length === 1, 10_000, 'a ServiceBGPStatus');
    const [status] = await bgpStatuses();
    expect(status!.status).toEqual({
      node: 'nodea',
      serviceName: 'web',
      serviceNamespace: 'default',
      peers: ['router'],
    });
    expect(status!.metadata.labels).toMatchObject({
      'metallb.io/node': 'nodea',
      'metallb.io/service-name': 'web',
      'metallb.io/service-namespace': 'default',
    });
    const text = await metrics();
    expect(sumSamples(text, 'metallb_bgp_announced_prefixes_total', peerLabel())).toBe(1);
    expect(sumSamples(text, 'metallb_bgp_updates_total', peerLabel())).toBeGreaterThan(0);
  }, 60_000);

  it('an advertisement change: the route updated, the session not reset', async () => {
    const before = (await neighbor()).connectionsEstablished;
    expect(before).toBeGreaterThan(0);
    await t.custom.patchNamespacedCustomObject({
      group: 'metallb.io',
      version: 'v1beta1',
      namespace: NAMESPACE,
      plural: 'bgpadvertisements',
      name: 'adv',
      body: [{ op: 'replace', path: '/spec/communities', value: ['64512:8'] }],
    });
    await waitFor(
      async () => (await route('198.18.100.10/32'))?.communities.join() === '64512:8',
      20_000,
      'the new community in FRR',
    );
    expect((await route('198.18.100.10/32'))?.largeCommunities).toEqual([]);
    const after = await neighbor();
    expect(after.bgpState).toBe('Established');
    expect(after.connectionsEstablished).toBe(before);
  }, 60_000);

  it('the Service deleted: the route withdrawn and the ServiceBGPStatus removed', async () => {
    await t.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await waitFor(async () => (await route('198.18.100.10/32')) === undefined, 20_000, 'the withdrawal');
    await waitFor(async () => (await bgpStatuses()).length === 0, 10_000, 'no ServiceBGPStatus');
  }, 60_000);

  it('SIGTERM: the routes withdrawn by UPDATE before the session closes with Cease', async () => {
    await createLbService(t, 'web2', ['198.18.100.11'], 'Cluster', ['nodeb']);
    await waitFor(async () => (await route('198.18.100.11/32')) !== undefined, 20_000, 'the route');
    const updatesBefore = (await neighbor()).messageStats?.updatesRecv ?? 0;
    await t.kill(node, 'SIGTERM');
    expect(speaker.child.exitCode).toBe(0);
    await waitFor(async () => (await route('198.18.100.11/32')) === undefined, 10_000, 'no route');
    const after = await neighbor();
    // The withdrawal is an UPDATE the router counted before the session went down.
    expect(after.messageStats?.updatesRecv ?? 0).toBeGreaterThan(updatesBefore);
    expect(after.bgpState).not.toBe('Established');
    console.log(`FRR after SIGTERM: lastResetDueTo=${after.lastResetDueTo}`);
    expect(speaker.logs.some((l) => l.includes('routes withdrawn, closing the session'))).toBe(true);
  }, 60_000);
});
