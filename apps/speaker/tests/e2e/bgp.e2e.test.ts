/**
 * BGP mode end to end: the real speaker process (as the `speaker` ServiceAccount of
 * deploy/rbac/speaker.yaml, against a real kube-apiserver) peers with a real FRR bgpd in the lab's
 * fourth namespace, and later with BIRD 2 (with BFD) in a node namespace that runs no speaker;
 * what the routers learned is read back with vtysh and birdc. One lab, scenarios in order: a wrong
 * MD5 password from the Secret, the right one, a Service announced with its localPref and
 * communities, a config change that keeps the session, a second peer with BFD and a silent cut
 * of its path, IPv6 over MP-BGP, the withdrawal on delete, the API server away, and SIGTERM.
 */
import { binariesAreReady, stopApiServer } from '@baremetal-lb/envtest';
import { ContentType } from '@baremetal-lb/kube';
import { checkPrerequisites, type LabHost, resumeProcess, suspendProcess } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBird } from '../../../../packages/bgp/tests/bird-router.ts';
import type { FrrRouter } from '../../../../packages/bgp/tests/frr-router.ts';
import type { BgpRouter } from '../../../../packages/bgp/tests/router-process.ts';
import { waitUntil } from '../../../../packages/bgp/tests/wait-until.ts';
import { ASN, type BgpLab, createBgpLab } from './bgp-lab.ts';
import { sumSamples } from './metric-value.ts';
import {
  arpingMac,
  createLbService,
  createMetallbObject,
  metallbPath,
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
    { name: 'bird', debianPackage: 'bird2' },
    { name: 'birdc', debianPackage: 'bird2' },
    { name: 'iptables', debianPackage: 'iptables' },
    { name: 'arping', debianPackage: 'iputils-arping' },
    ...(apiServerBuilt ? [] : [{ name: 'go', debianPackage: 'golang-go' }]),
  ],
});

const RIGHT = 'right-password';

describe.skipIf(!ready)('speaker BGP mode e2e (FRR)', () => {
  let lab: BgpLab;
  let t: SpeakerLab;
  let node: LabHost;
  let router: FrrRouter;
  let speaker: SpeakerProcess;
  let bird: BgpRouter | undefined;

  const neighbor = () => lab.neighbor();
  const hasPath = (prefix: string) => lab.hasPath(prefix);
  const metrics = () => lab.metrics();
  const createBgpPeer = (name: string, spec: object) => lab.createBgpPeer(name, spec);
  const route = async (prefix: string) => (await router.routes(4)).find((r) => r.prefix === prefix);
  const peerLabel = () => ({ peer: `${t.peer.ipv4}:179` });
  const patchAdvertisement = (name: string, path: string, value: unknown) =>
    t.kube.request('PATCH', metallbPath('bgpadvertisements', name), {
      body: [{ op: 'add', path, value }],
      contentType: ContentType.jsonPatch,
    });
  const events = async (name: string) =>
    (
      await t.kube.request<{ items: { type?: string; reason?: string; message?: string }[] }>(
        'GET',
        '/api/v1/events',
        {
          query: { fieldSelector: `involvedObject.name=${name}` },
        },
      )
    ).items;
  const bgpStatuses = async () =>
    (
      await t.kube.request<{
        items: { metadata: { labels?: Record<string, string> }; status?: Record<string, unknown> }[];
      }>('GET', metallbPath('servicebgpstatuses'))
    ).items;
  const setPassword = (password: string) =>
    t.kube.request('PUT', `/api/v1/namespaces/${NAMESPACE}/secrets/router-pw`, {
      body: {
        metadata: { name: 'router-pw', namespace: NAMESPACE },
        type: 'kubernetes.io/basic-auth',
        stringData: { password },
      },
    });

  beforeAll(async () => {
    lab = await createBgpLab({ password: RIGHT });
    ({ t, node, router } = lab);
    await createMetallbObject(t, 'bgpadvertisements', {
      kind: 'BGPAdvertisement',
      metadata: { name: 'adv' },
      spec: {
        ipAddressPools: ['bgp-pool'],
        localPref: 150,
        communities: ['64512:7', 'large:4200000000:1:2'],
      },
    });
    await t.kube.request('POST', `/api/v1/namespaces/${NAMESPACE}/secrets`, {
      body: {
        metadata: { name: 'router-pw' },
        type: 'kubernetes.io/basic-auth',
        stringData: { password: 'wrong-password' },
      },
    });
    await createBgpPeer('router', {
      myASN: ASN,
      peerASN: ASN,
      peerAddress: t.peer.ipv4,
      holdTime: '9s',
      passwordSecret: { name: 'router-pw' },
    });
    speaker = await t.start(node);
  }, 300_000);

  afterAll(async () => {
    await bird?.stop();
    await lab?.destroy();
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
    await waitFor(
      async () => (await events('router')).some((e) => e.reason === 'BGPPeerProblem' && e.type === 'Warning'),
      10_000,
      'a Warning event on the BGPPeer',
    );
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
    expect(
      sumSamples(text, 'metallb_speaker_announced', {
        protocol: 'bgp',
        service: 'default/web',
        ip: '198.18.100.10',
      }),
    ).toBe(1);
    await waitFor(
      async () =>
        (await events('web')).some(
          (e) =>
            e.reason === 'nodeAssigned' && e.message === 'announcing from node "nodea" with protocol "bgp"',
        ),
      10_000,
      'the nodeAssigned event',
    );
  }, 60_000);

  it('the same pool announced by layer 2 too: ARP answered from the node while the route stays', async () => {
    await createMetallbObject(t, 'l2advertisements', {
      kind: 'L2Advertisement',
      metadata: { name: 'l2' },
      spec: { ipAddressPools: ['bgp-pool'] },
    });
    await waitFor(
      async () => (await arpingMac(t.client, '198.18.100.10')) === node.mac.toLowerCase(),
      20_000,
      'ARP',
    );
    expect(await hasPath('198.18.100.10/32')).toBe(true);
    // metallb_speaker_announced carries both modes' series side by side.
    const announced = async (protocol: string) =>
      sumSamples(await metrics(), 'metallb_speaker_announced', { protocol, ip: '198.18.100.10' });
    await waitFor(async () => (await announced('layer2')) === 1, 10_000, 'the layer2 series');
    expect(await announced('bgp')).toBe(1);
    await t.kube.request('DELETE', metallbPath('l2advertisements', 'l2'));
    await waitFor(async () => (await arpingMac(t.client, '198.18.100.10')) === undefined, 20_000, 'no ARP');
    expect(await hasPath('198.18.100.10/32')).toBe(true);
  }, 60_000);

  it('figure: Service written → /32 in the router RIB, 20 Services one after another (printed)', async () => {
    const samples: number[] = [];
    const starts = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const prefix = `198.18.100.${100 + i}/32`;
      const start = Date.now();
      starts.set(prefix, start);
      await createLbService(t, `fig-${i}`, [`198.18.100.${100 + i}`], 'Cluster', ['nodeb']);
      await waitUntil(() => hasPath(prefix), 20_000, 'the route', 5);
      samples.push(Date.now() - start);
    }
    // When the speaker handed each route to the session: its log line's time, on the same clock
    // (the line itself may reach us after the router has the route).
    const loggedAt = (prefix: string) =>
      speaker.logs.find((l) => l.includes('"event":"routes"') && l.includes(`"${prefix}"`));
    await waitFor(() => [...starts.keys()].every((p) => loggedAt(p) !== undefined), 10_000, 'the log lines');
    const handed = [...starts].map(
      ([prefix, start]) => Date.parse(JSON.parse(loggedAt(prefix)!).time) - start,
    );
    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
      return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, min ${sorted[0]} ms`;
    };
    console.log(
      `Service created (object, status, EndpointSlice) → route in FRR's RIB, n=20: ${summary(samples)}; of which → the speaker hands it to the session: ${summary(handed)} (vtysh polled, 5 ms apart)`,
    );
    for (let i = 0; i < 20; i++)
      await t.kube.request('DELETE', `/api/v1/namespaces/default/services/fig-${i}`);
    await waitFor(async () => (await router.routes(4)).length === 1, 30_000, 'the figure routes withdrawn');
    expect(handed).toHaveLength(20);
  }, 120_000);

  it('externalTrafficPolicy Local and advertisement nodeSelectors decide whether this node announces', async () => {
    await createLbService(t, 'local', ['198.18.100.30'], 'Local', ['nodeb']);
    const prefix = '198.18.100.30/32';
    // The endpoint is on nodeb: nodea must not announce. Give it time to (wrongly) do so.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await hasPath(prefix)).toBe(false);
    await t.kube.request('PATCH', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/local-1', {
      body: [{ op: 'replace', path: '/endpoints/0/nodeName', value: 'nodea' }],
      contentType: ContentType.jsonPatch,
    });
    await waitFor(() => hasPath(prefix), 20_000, 'the route once the endpoint is on nodea');
    // Advertisement nodeSelectors that leave nodea out: every route from it goes.
    await patchAdvertisement('adv', '/spec/nodeSelectors', [{ matchLabels: { zone: 'b' } }]);
    await waitFor(
      async () => !(await hasPath(prefix)) && !(await hasPath('198.18.100.10/32')),
      20_000,
      'withdrawn',
    );
    await patchAdvertisement('adv', '/spec/nodeSelectors', [{ matchLabels: { zone: 'a' } }]);
    await waitFor(async () => (await hasPath(prefix)) && (await hasPath('198.18.100.10/32')), 20_000, 'back');
    await t.kube.request('DELETE', '/api/v1/namespaces/default/services/local');
    await waitFor(async () => !(await hasPath(prefix)), 20_000, 'the Local Service withdrawn');
  }, 90_000);

  it('an advertisement change: the route updated, the session not reset', async () => {
    const before = (await neighbor()).connectionsEstablished;
    expect(before).toBeGreaterThan(0);
    await patchAdvertisement('adv', '/spec/communities', ['64512:8']);
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

  it('a second peer, BIRD with BFD 100 ms × 3: the FRR session is left alone; both carry the route', async () => {
    const birdHost = t.nodes[1]!;
    const established = (await neighbor()).connectionsEstablished;
    bird = await startBird(birdHost, {
      routerAsn: 64513,
      local: birdHost.ipv4,
      peer: node.ipv4,
      peerAsn: ASN,
      holdTimeSeconds: 9,
      bfd: { intervalMs: 100, multiplier: 3 },
    });
    await createMetallbObject(t, 'bfdprofiles', {
      kind: 'BFDProfile',
      metadata: { name: 'fast' },
      spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
    });
    await createBgpPeer('bird', {
      myASN: ASN,
      peerASN: 64513,
      peerAddress: birdHost.ipv4,
      holdTime: '9s',
      bfdProfile: 'fast',
    });
    await waitFor(
      async () => (await bird!.routes(4)).some((r) => r.prefix === '198.18.100.10/32'),
      30_000,
      'the route in BIRD',
    );
    const learned = (await bird.routes(4)).find((r) => r.prefix === '198.18.100.10/32')!;
    // eBGP: our AS on the path, our address as next hop, no LOCAL_PREF from us.
    expect(learned).toMatchObject({ nextHop: node.ipv4, asPath: [ASN], communities: ['64512:8'] });
    await waitFor(
      async () => sumSamples(await metrics(), 'metallb_bfd_session_up', { peer: birdHost.ipv4 }) === 1,
      20_000,
      'BFD up',
    );
    await waitFor(
      async () => (await bgpStatuses())[0]?.status?.peers?.toString() === 'bird,router',
      10_000,
      'status',
    );
    const after = await neighbor();
    expect(after.bgpState).toBe('Established');
    expect(after.connectionsEstablished).toBe(established);
  }, 90_000);

  it('advertisement peers: only BIRD carries the route, then both again; no session reset', async () => {
    const established = (await neighbor()).connectionsEstablished;
    const setPeers = (value: string[]) => patchAdvertisement('adv', '/spec/peers', value);
    const inBird = async () => (await bird!.routes(4)).some((r) => r.prefix === '198.18.100.10/32');
    await setPeers(['bird']);
    await waitFor(async () => !(await hasPath('198.18.100.10/32')), 20_000, 'FRR to lose the route');
    expect(await inBird()).toBe(true);
    await waitFor(
      async () => (await bgpStatuses())[0]?.status?.peers?.toString() === 'bird',
      10_000,
      'status',
    );
    await setPeers([]);
    await waitFor(() => hasPath('198.18.100.10/32'), 20_000, 'FRR to have it again');
    expect(await inBird()).toBe(true);
    expect((await neighbor()).connectionsEstablished).toBe(established);
  }, 60_000);

  it('BFD: a silent cut toward BIRD: it withdraws our route and our session goes down within BFD detection', async () => {
    const birdHost = t.nodes[1]!;
    const established = (await neighbor()).connectionsEstablished;
    const rules = [
      ['INPUT', '-s', birdHost.ipv4],
      ['OUTPUT', '-d', birdHost.ipv4],
    ] as const;
    const cut = Date.now();
    for (const [chain, flag, address] of rules)
      await node.exec('iptables', ['-A', chain, flag, address, '-j', 'DROP']);
    let withdrawnMs: number | undefined;
    let downMs: number | undefined;
    try {
      await waitFor(
        async () => {
          if (
            downMs === undefined &&
            speaker.logs.some((l) => l.includes('BFD Down') && l.includes('"peer":"bird"'))
          )
            downMs = Date.now() - cut;
          if (
            withdrawnMs === undefined &&
            !(await bird!.routes(4)).some((r) => r.prefix === '198.18.100.10/32')
          )
            withdrawnMs = Date.now() - cut;
          return downMs !== undefined && withdrawnMs !== undefined;
        },
        20_000,
        'BIRD to withdraw and our session to go down',
      );
      console.log(
        `BFD 100 ms × 3, silent cut: BIRD withdrew after ${withdrawnMs} ms, our session was down after ${downMs} ms (hold time 9 s)`,
      );
      // Detection is 300 ms; the hold time (9 s) would take far longer. Slack for two busy cores.
      expect(withdrawnMs).toBeLessThan(5_000);
      expect(downMs).toBeLessThan(5_000);
      const text = await metrics();
      expect(sumSamples(text, 'metallb_bfd_session_up', { peer: birdHost.ipv4 })).toBe(0);
      expect(sumSamples(text, 'metallb_bgp_session_up', { peer: `${birdHost.ipv4}:179` })).toBe(0);
      // The other session never noticed.
      expect((await neighbor()).connectionsEstablished).toBe(established);
      expect(await route('198.18.100.10/32')).toBeDefined();
    } finally {
      for (const [chain, flag, address] of rules)
        await node.exec('iptables', ['-D', chain, flag, address, '-j', 'DROP']);
    }
    await t.kube.request('DELETE', metallbPath('bgppeers', 'bird', 'v1beta2'));
    await waitFor(
      async () => (await bgpStatuses())[0]?.status?.peers?.toString() === 'router',
      10_000,
      'status',
    );
    await bird?.stop();
    bird = undefined;
  }, 90_000);

  it('IPv6 over MP-BGP: the changed peer (dualStackAddressFamily) is re-established; an IPv6 Service reaches FRR', async () => {
    const established = (await neighbor()).connectionsEstablished ?? 0;
    const current = await t.kube.request<object>('GET', '/api/v1/nodes/nodea/status');
    await t.kube.request('PUT', '/api/v1/nodes/nodea/status', {
      body: {
        ...current,
        status: {
          addresses: [
            { type: 'InternalIP', address: node.ipv4 },
            { type: 'InternalIP', address: node.ipv6 },
          ],
        },
      },
    });
    await t.kube.request('PATCH', metallbPath('bgppeers', 'router', 'v1beta2'), {
      body: [{ op: 'add', path: '/spec/dualStackAddressFamily', value: true }],
      contentType: ContentType.jsonPatch,
    });
    await createMetallbObject(t, 'ipaddresspools', {
      kind: 'IPAddressPool',
      metadata: { name: 'bgp-pool6' },
      spec: { addresses: ['2001:db8:18::/120'] },
    });
    await createMetallbObject(t, 'bgpadvertisements', {
      kind: 'BGPAdvertisement',
      metadata: { name: 'adv6' },
      spec: { ipAddressPools: ['bgp-pool6'] },
    });
    await createLbService(t, 'web6', ['2001:db8:18::10'], 'Cluster', ['nodeb']);
    await waitFor(
      async () => (await router.routes(6)).some((r) => r.prefix === '2001:db8:18::10/128'),
      30_000,
      'the IPv6 route in FRR',
    );
    expect((await router.routes(6)).find((r) => r.prefix === '2001:db8:18::10/128')?.nextHop).toBe(node.ipv6);
    const after = await neighbor();
    expect(after.bgpState).toBe('Established');
    expect(after.connectionsEstablished).toBe(established + 1);
    // The IPv4 route came back with the new session.
    expect(await route('198.18.100.10/32')).toBeDefined();
    await t.kube.request('DELETE', '/api/v1/namespaces/default/services/web6');
    await waitFor(
      async () => !(await router.routes(6)).some((r) => r.prefix === '2001:db8:18::10/128'),
      20_000,
      'the IPv6 withdrawal',
    );
  }, 90_000);

  it('the Service deleted: the route withdrawn and the ServiceBGPStatus removed', async () => {
    await t.kube.request('DELETE', '/api/v1/namespaces/default/services/web');
    await waitFor(async () => (await route('198.18.100.10/32')) === undefined, 20_000, 'the withdrawal');
    await waitFor(async () => (await bgpStatuses()).length === 0, 10_000, 'no ServiceBGPStatus');
  }, 60_000);

  it('SIGTERM while FRR is stalled for 1 s: the speaker exits only after FRR has read the withdrawal and closed', async () => {
    await createLbService(t, 'web3', ['198.18.100.12'], 'Cluster', ['nodeb']);
    await waitFor(async () => (await route('198.18.100.12/32')) !== undefined, 20_000, 'the route');
    // bgpd stopped: its kernel still ACKs our UPDATE and NOTIFICATION, but nothing is read.
    await suspendProcess(router.process.pid!);
    let resumedAt = 0;
    try {
      const exited = t.kill(node, 'SIGTERM').then(() => performance.now());
      await new Promise((r) => setTimeout(r, 1_000));
      resumedAt = performance.now();
      resumeProcess(router.process.pid!);
      const exitedAt = await exited;
      console.log(
        `SIGTERM with FRR stalled: the speaker exited ${(exitedAt - resumedAt).toFixed(0)} ms after FRR resumed`,
      );
      expect(exitedAt).toBeGreaterThan(resumedAt);
    } finally {
      if (resumedAt === 0) resumeProcess(router.process.pid!);
    }
    expect(speaker.child.exitCode).toBe(0);
    expect(speaker.logs.some((l) => l.includes('routers closed their connections'))).toBe(true);
    await waitFor(async () => (await route('198.18.100.12/32')) === undefined, 10_000, 'no route');
    await t.kube.request('DELETE', '/api/v1/namespaces/default/services/web3');
    speaker = await t.start(node);
    await waitFor(async () => (await neighbor()).bgpState === 'Established', 30_000, 'the session back');
  }, 90_000);

  it('API server away: the session and routes stay; then SIGTERM withdraws by UPDATE before Cease', async () => {
    await createLbService(t, 'web2', ['198.18.100.11'], 'Cluster', ['nodeb']);
    await waitFor(async () => (await route('198.18.100.11/32')) !== undefined, 20_000, 'the route');
    const established = (await neighbor()).connectionsEstablished;
    await stopApiServer(t.envtest.dir);
    await expect(t.kube.request('GET', '/api/v1/nodes'), 'the API server is away').rejects.toThrow();
    // Long enough for every informer to fail and retry a few times.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await route('198.18.100.11/32')).toBeDefined();
    expect((await neighbor()).connectionsEstablished).toBe(established);
    expect(sumSamples(await metrics(), 'baremetal_lb_speaker_api_connected')).toBe(0);

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
