/**
 * End to end: real speaker processes in three node namespaces, a real kube-apiserver, real
 * arping/ndisc6 in a client namespace. One lab for the whole file; scenarios run in order and the
 * API outage comes last (it stops the API server for good).
 */
import { readFile } from 'node:fs/promises';
import { binariesAreReady, serviceAccountMay, stopApiServer } from '@baremetal-lb/envtest';
import { checkPrerequisites, runCommand, SCHED_FIFO, threadScheduling } from '@baremetal-lb/lab';
import { rankCandidates } from '@baremetal-lb/leader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floodArpRequests } from './arp-flood.ts';
import { registerHandoverScenarios } from './handover-scenarios.ts';
import { sumSamples } from './metric-value.ts';
import { captureNeighborAdvertisements } from './neighbor-advert-capture.ts';
import {
  arpingMac,
  captureGratuitousArp,
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  DEPLOYED_LIVENESS_PROBE,
  DEPLOYED_RESPONDER_PRIORITY,
  metallbPath,
  NAMESPACE,
  NET,
  NODE_NAMES,
  ndiscMac,
  type SpeakerLab,
  waitFor,
} from './speaker-lab.ts';

// kube-apiserver comes from tools/envtest: built once with Go (about 10 minutes), then cached.
const apiServerBuilt = await binariesAreReady();
const ready = checkPrerequisites('speaker e2e (namespaces, raw sockets, arping, ndisc6, kube-apiserver)', {
  root: true,
  commands: [
    { name: 'arping', debianPackage: 'iputils-arping' },
    { name: 'ndisc6', debianPackage: 'ndisc6' },
    { name: 'tshark', debianPackage: 'tshark' },
    ...(apiServerBuilt ? [] : [{ name: 'go', debianPackage: 'golang-go' }]),
  ],
});

/**
 * How long the API server stays away while speakers start, ms. Two minutes, as issue 22 puts it:
 * four times the 30 s after which deploy/'s liveness probe (first at 10 s, then every 10 s, 3
 * failures) has a speaker restarted whose /healthz does not answer, and long enough for the
 * informers' retry backoff to reach its cap.
 */
const apiOutageMs = Number(process.env.BMLB_API_OUTAGE_MS ?? 120_000);
/**
 * Regression bound on API server back → the owner answers ARP, ms: a fixed number, about 10× the
 * 1.2 s measured (README, "API server away at start-up"). What it takes is the informers' retry
 * (backoff capped at 4 s), the join and the start-up hold (2 s); a speaker stuck in a long
 * back-off, or restarted by the kubelet meanwhile, takes far longer.
 */
const announceAfterApiReturnBoundMs = 15_000;

/**
 * Regression bounds, fixed numbers from apps/speaker/README.md ("End to end as deployed"), ms:
 * about 5× the measured p99 (SIGKILL failover p99 321–351 ms; SIGTERM hand-over p99 5.5–18 ms),
 * so a 3 s failover or a hand-over that waits for failure detection fails, and noise does not.
 * The IPv6 failover runs the same detection and takeover, so it has the SIGKILL bound.
 */
const failoverBoundMs = 1_750;
const gracefulHandoverBoundMs = 100;
/**
 * Voluntary context switches of an idle speaker's main thread in 2 s: 11-14 measured with the
 * native membership link, 143 with membership probing from JavaScript (the same build on
 * UdpTransport). About 5x the measurement, under half the old figure.
 */
const mainThreadIdleWakeUps = 60;
/** Idle wake-ups are counted over windows this long. */
const windowMs = 2_000;

async function voluntarySwitches(pid: number, tid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8');
  return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]);
}

/**
 * Voluntary context switches of thread `tid` over one window, up to 8 windows until one has at
 * most `bound` (earlier tests' gratuitous bursts may still be going): the last window's count.
 */
async function quietestWakeUps(pid: number, tid: number, bound: number): Promise<number> {
  let wakeUps = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 8 && wakeUps > bound; attempt++) {
    const before = await voluntarySwitches(pid, tid);
    await new Promise((r) => setTimeout(r, windowMs));
    wakeUps = (await voluntarySwitches(pid, tid)) - before;
  }
  return wakeUps;
}

const VIP4 = `${NET}.200`;
const VIP6 = '2001:db8:5::200';

function ownerFor(ip: string, nodes: readonly string[] = NODE_NAMES): string {
  return rankCandidates(nodes, ip)[0]!;
}

describe.skipIf(!ready)('speaker e2e', () => {
  let t: SpeakerLab;
  /** The API server that the start-up outage test started again (envtest.stop() knows only the first). */
  let stopRestartedApiServer: (() => Promise<void>) | undefined;

  const hostOf = (name: string) => t.hostOf(name);
  const createService = (name: string, ips: string[], policy: 'Cluster' | 'Local', endpointNodes: string[]) =>
    createLbService(t, name, ips, policy, endpointNodes);
  const createCustom = (plural: string, body: object) => createMetallbObject(t, plural, body);
  const captureGratuitous = (ip: string) => captureGratuitousArp(t, ip);

  async function expectArpOwner(ip: string, node: string | undefined, timeoutMs = 15_000) {
    const want = node === undefined ? undefined : hostOf(node).mac.toLowerCase();
    let got: string | undefined;
    let streak = 0;
    // "Nobody answers" must hold twice in a row: one lost reply is not silence.
    const needed = want === undefined ? 2 : 1;
    const answeredByWanted = async () => {
      got = await arpingMac(t.client, ip);
      streak = got === want ? streak + 1 : 0;
      return streak >= needed;
    };
    await waitFor(answeredByWanted, timeoutMs, `ARP answer for ${ip} from ${node}`).catch((e: Error) => {
      throw new Error(`${e.message}; last answer ${got} (${t.hostByMac(got)?.name})`);
    });
  }

  beforeAll(
    async () => {
      t = await createSpeakerLab();
      await createCustom('ipaddresspools', {
        kind: 'IPAddressPool',
        metadata: { name: 'main' },
        spec: { addresses: [`${NET}.200-${NET}.220`, '2001:db8:5::200/124'] },
      });
      await createCustom('l2advertisements', {
        kind: 'L2Advertisement',
        metadata: { name: 'main' },
        spec: { ipAddressPools: ['main'] },
      });
      await Promise.all(t.nodes.map((h) => t.start(h)));
    },
    apiServerBuilt ? 240_000 : 45 * 60_000,
  );

  afterAll(async () => {
    if (t === undefined) return;
    for (const [name, p] of t.speakers) {
      const errors = p.logs.filter((l) => l.includes('"level":"error"') || l.includes('"level":"fatal"'));
      if (errors.length > 0) console.error(`${name} errors:\n${errors.join('\n')}`);
    }
    await stopRestartedApiServer?.();
    await t.destroy();
  }, 60_000);

  async function getCustom(plural: string, name: string) {
    return t.kube.request<{ metadata: object; spec: object }>('GET', metallbPath(plural, name));
  }

  async function replaceAdvertisementSpec(name: string, spec: object) {
    const current = await getCustom('l2advertisements', name);
    await t.kube.request('PUT', metallbPath('l2advertisements', name), { body: { ...current, spec } });
  }

  async function l2Statuses(service: string) {
    const list = await t.kube.request<{
      items: { status?: { node?: string; interfaces?: { name: string }[] } }[];
    }>('GET', metallbPath('servicel2statuses'), {
      query: { labelSelector: `metallb.io/service-name=${service}` },
    });
    return list.items;
  }

  async function events(reason: string, service: string) {
    const list = await t.kube.request<{ items: { type?: string; message?: string }[] }>(
      'GET',
      '/api/v1/namespaces/default/events',
      { query: { fieldSelector: `reason=${reason},involvedObject.name=${service}` } },
    );
    return list.items;
  }

  async function metricsOf(node: string): Promise<string> {
    return (await fetch(`http://${hostOf(node).ipv4}:7472/metrics`)).text();
  }

  /** Stops the announcing speaker with `signal`; returns ms until the next node's gratuitous ARP. */
  async function failover(signal: NodeJS.Signals): Promise<{ next: string; ms: number }> {
    const owner = ownerFor(VIP4);
    const next = ownerFor(
      VIP4,
      NODE_NAMES.filter((n) => n !== owner),
    );
    const capture = captureGratuitous(VIP4);
    try {
      const t0 = performance.now();
      await t.kill(hostOf(owner), signal);
      // A graceful stop exits 0.
      if (signal === 'SIGTERM') expect(t.speakers.get(owner)?.child.exitCode).toBe(0);
      const nextMac = hostOf(next).mac.toLowerCase();
      await waitFor(() => capture.seen.some((g) => g.mac === nextMac), 10_000, `gratuitous ARP from ${next}`);
      const ms = capture.seen.find((g) => g.mac === nextMac)!.at - t0;
      await expectArpOwner(VIP4, next);
      return { next, ms };
    } finally {
      await capture.close();
    }
  }

  it('answers an IPv4 and an IPv6 VIP with the MAC of the node the pure election picks', async () => {
    await createService('web', [VIP4, VIP6], 'Cluster', ['nodea']);
    const owner = ownerFor(VIP4);
    await expectArpOwner(VIP4, owner);
    const mac = hostOf(owner).mac.toLowerCase();
    await waitFor(async () => (await ndiscMac(t.client, VIP6)) === mac, 10_000, `NDP answer from ${owner}`);
    // The announcing node writes ServiceL2Status and emits nodeAssigned once.
    await waitFor(
      async () => (await l2Statuses('web')).some((s) => s.status?.node === owner),
      10_000,
      'status',
    );
    await waitFor(async () => (await events('nodeAssigned', 'web')).length === 1, 10_000, 'nodeAssigned');
  }, 60_000);

  it('runs its responder thread, and no other thread, under SCHED_FIFO as deployed', async () => {
    for (const name of NODE_NAMES) {
      const pid = t.speakers.get(name)!.child.pid!;
      const threads = await threadScheduling(pid);
      const realtime = threads.filter((th) => th.policy === SCHED_FIFO);
      expect(realtime, `${name}: ${JSON.stringify(threads)}`).toHaveLength(1);
      expect(realtime[0]!.rtPriority).toBe(DEPLOYED_RESPONDER_PRIORITY);
      expect(realtime[0]!.tid).not.toBe(pid); // the main thread (informers, membership) stays normal
      expect(sumSamples(await metricsOf(name), 'baremetal_lb_responder_realtime')).toBe(1);
    }
  });

  it('lets its realtime responder thread sleep while nothing is asked (no CPU-budget check every 100 ms)', async () => {
    for (const name of NODE_NAMES) {
      const pid = t.speakers.get(name)!.child.pid!;
      const tid = (await threadScheduling(pid)).find((th) => th.policy === SCHED_FIFO)!.tid;
      // Idle, the thread wakes for its 1 s heartbeat only; a budget that watched every window
      // woke it ten times a second. Earlier tests' gratuitous bursts may still be going: wait for
      // a quiet window.
      const wakeUps = await quietestWakeUps(pid, tid, 6);
      console.info(`${name}: the responder thread woke ${wakeUps} times in ${windowMs} ms idle`);
      expect(wakeUps, `${name}: responder thread wake-ups in ${windowMs} ms idle`).toBeLessThanOrEqual(6);
    }
  }, 70_000);

  it('lets its main thread sleep while idle: membership probes and acks run on the native link', async () => {
    for (const name of NODE_NAMES) {
      const pid = t.speakers.get(name)!.child.pid!;
      // Probing from JavaScript woke the main thread 60-80 times a second (probe timer, the
      // others' pings, acks). Now the link's watchdog feed (2/s) and the responder thread's
      // heartbeat (1/s) remain. Wait for a quiet window, as above.
      const wakeUps = await quietestWakeUps(pid, pid, mainThreadIdleWakeUps);
      const answered = sumSamples(await metricsOf(name), 'baremetal_lb_membership_offloaded', {
        what: 'pings_answered',
      });
      console.info(
        `${name}: the main thread woke ${wakeUps} times in ${windowMs} ms idle; pings the link answered: ${answered}`,
      );
      expect(wakeUps, `${name}: main thread wake-ups in ${windowMs} ms idle`).toBeLessThanOrEqual(
        mainThreadIdleWakeUps,
      );
      expect(answered, `${name}: pings the link answered`).toBeGreaterThan(0);
    }
  }, 70_000);

  it("binds /metrics, /healthz and /readyz to the node's address only ($METALLB_HOST), as deployed", async () => {
    for (const host of t.nodes) {
      const { stdout } = await host.exec('ss', ['-Hltn', 'sport = :7472']);
      const listening = stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3]);
      expect(listening, host.name).toEqual([`${host.ipv4}:7472`]);
    }
  });

  it('runs with exactly the access deploy/rbac/speaker.yaml grants', async () => {
    const can = (verb: string, resource: string, group = '', namespace?: string, subresource?: string) =>
      serviceAccountMay(
        t.kube,
        { namespace: NAMESPACE, name: 'speaker' },
        {
          verb,
          resource,
          group,
          ...(namespace === undefined ? {} : { namespace }),
          ...(subresource === undefined ? {} : { subresource }),
        },
      );
    const allowed: [string, string, string?, string?, string?][] = [
      ['watch', 'services'],
      ['list', 'nodes'],
      ['watch', 'endpointslices', 'discovery.k8s.io'],
      ['create', 'events', 'events.k8s.io', 'default'],
      ['list', 'ipaddresspools', 'metallb.io', NAMESPACE],
      ['watch', 'l2advertisements', 'metallb.io', NAMESPACE],
      ['create', 'servicel2statuses', 'metallb.io', NAMESPACE],
      ['delete', 'servicel2statuses', 'metallb.io', NAMESPACE],
      ['update', 'servicel2statuses', 'metallb.io', NAMESPACE, 'status'],
      ['list', 'secrets', '', NAMESPACE],
      ['create', 'servicebgpstatuses', 'metallb.io', NAMESPACE],
    ];
    const denied: [string, string, string?, string?, string?][] = [
      ['get', 'secrets', '', NAMESPACE],
      ['list', 'secrets', '', 'default'],
      ['create', 'events', '', 'default'],
      ['update', 'services', '', 'default'],
      ['update', 'services', '', 'default', 'status'],
      ['patch', 'nodes'],
      ['update', 'l2advertisements', 'metallb.io', NAMESPACE],
      ['create', 'ipaddresspools', 'metallb.io', NAMESPACE],
      ['create', 'servicel2statuses', 'metallb.io', 'default'],
      ['update', 'servicel2statuses', 'metallb.io', NAMESPACE],
    ];
    for (const a of allowed) expect(await can(...a), `allowed: ${a.join(' ')}`).toBe(true);
    for (const d of denied) expect(await can(...d), `denied: ${d.join(' ')}`).toBe(false);
  }, 30_000);

  it('with externalTrafficPolicy Local announces from the node that has the endpoint', async () => {
    const vip = `${NET}.201`;
    const rank = rankCandidates(NODE_NAMES, vip);
    // The endpoint sits on the node the plain election would pick last.
    await createService('local', [vip], 'Local', [rank[2]!]);
    await expectArpOwner(vip, rank[2]);
    const slicePath = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/local-1';
    const slice = await t.kube.request<object>('GET', slicePath);
    await t.kube.request('PUT', slicePath, {
      body: {
        ...slice,
        endpoints: [{ addresses: [`${NET}.60`], nodeName: rank[1]!, conditions: { ready: true } }],
      },
    });
    await expectArpOwner(vip, rank[1]);
    // No serving endpoint anywhere: nobody answers.
    const again = await t.kube.request<object>('GET', slicePath);
    await t.kube.request('PUT', slicePath, {
      body: {
        ...again,
        endpoints: [{ addresses: [`${NET}.60`], nodeName: rank[1]!, conditions: { ready: false } }],
      },
    });
    await expectArpOwner(vip, undefined);
  }, 60_000);

  it('honours advertisement node selectors and interface lists', async () => {
    await createCustom('ipaddresspools', {
      kind: 'IPAddressPool',
      metadata: { name: 'sel' },
      spec: { addresses: [`${NET}.230-${NET}.239`] },
    });
    await createCustom('l2advertisements', {
      kind: 'L2Advertisement',
      metadata: { name: 'sel' },
      spec: { ipAddressPools: ['sel'], nodeSelectors: [{ matchLabels: { zone: 'c' } }] },
    });
    const vip = `${NET}.230`;
    await createService('sel', [vip], 'Cluster', ['nodea']);
    await expectArpOwner(vip, 'nodec');
    await replaceAdvertisementSpec('sel', {
      ipAddressPools: ['sel'],
      nodeSelectors: [{ matchLabels: { zone: 'c' } }],
      interfaces: ['eth9'],
    });
    await expectArpOwner(vip, undefined);
    await replaceAdvertisementSpec('sel', {
      ipAddressPools: ['sel'],
      nodeSelectors: [{ matchLabels: { zone: 'c' } }],
      interfaces: ['eth0'],
    });
    await expectArpOwner(vip, 'nodec');
    await waitFor(
      async () => (await l2Statuses('sel')).some((s) => s.status?.interfaces?.[0]?.name === 'eth0'),
      10_000,
      'status with interfaces',
    );
  }, 60_000);

  it('starts answering on an interface that appears later, and stops when it goes', async () => {
    // nodec gets a second link to the lab bridge, eth1; the advertisement names only eth1.
    const nodec = hostOf('nodec');
    const vip = `${NET}.230`;
    await replaceAdvertisementSpec('sel', {
      ipAddressPools: ['sel'],
      nodeSelectors: [{ matchLabels: { zone: 'c' } }],
      interfaces: ['eth1'],
    });
    await expectArpOwner(vip, undefined);
    const hostEnd = `bm${process.pid.toString(36)}-e1`;
    await runCommand('ip', [
      'link',
      'add',
      hostEnd,
      'type',
      'veth',
      'peer',
      'name',
      'eth1',
      'netns',
      nodec.namespace,
    ]);
    try {
      await runCommand('ip', ['link', 'set', hostEnd, 'master', t.lab.bridge!.ifname, 'up']);
      await nodec.exec('ip', ['addr', 'add', `${NET}.33/24`, 'dev', 'eth1']);
      await nodec.exec('ip', ['link', 'set', 'eth1', 'up']);
      const [link] = JSON.parse((await nodec.exec('ip', ['-j', 'link', 'show', 'eth1'])).stdout) as {
        address: string;
      }[];
      const eth1Mac = link!.address.toLowerCase();
      await waitFor(async () => (await arpingMac(t.client, vip)) === eth1Mac, 15_000, 'answer from eth1');
    } finally {
      await runCommand('ip', ['link', 'del', hostEnd]);
    }
    await expectArpOwner(vip, undefined);
  }, 60_000);

  it('ignores forged membership packets from the client namespace', async () => {
    const owner = ownerFor(VIP4);
    for (const h of t.nodes) {
      // Random bytes and a plausible-looking header: neither carries the key.
      await t.client.exec('bash', [
        '-c',
        `head -c 300 /dev/urandom > /dev/udp/${h.ipv4}/7946; printf '\\x01\\x00\\x00\\x00\\x01nodeadead' > /dev/udp/${h.ipv4}/7946`,
      ]);
    }
    await new Promise((r) => setTimeout(r, 1500));
    await expectArpOwner(VIP4, owner, 2000);
    const metrics = await metricsOf(owner);
    const dropped = [
      ...metrics.matchAll(/^baremetal_lb_membership_dropped_packets\{reason="[^"]+"\} (\d+)/gm),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^baremetal_lb_membership_members\{state="alive"\} 3$/m);
  }, 30_000);

  it('raises IPConflict when a second host claims an announced VIP', async () => {
    const owner = ownerFor(VIP4);
    await t.client.addAddress(`${VIP4}/32`);
    try {
      await t.client.exec('arping', ['-U', '-c', '2', '-I', t.client.ifname, '-s', VIP4, VIP4]);
      // The event naming the client (a spurious failover on this loaded machine can add one
      // naming a node).
      const namingClient = async () =>
        (await events('IPConflict', 'web')).filter((e) => e.message?.includes(t.client.mac.toLowerCase()));
      await waitFor(async () => (await namingClient()).length >= 1, 10_000, 'IPConflict event');
      const [event] = await namingClient();
      expect(event?.type).toBe('Warning');
      expect(event?.message).toContain(`"${VIP4}"`);
      // At least the client; a spurious failover on this loaded machine can add a node's MAC.
      expect(
        sumSamples(await metricsOf(owner), 'baremetal_lb_layer2_conflicts_total', { ip: VIP4 }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await t.client.exec('ip', ['addr', 'del', `${VIP4}/32`, 'dev', t.client.ifname]);
    }
  }, 30_000);

  it('raises IPConflict when a second host advertises an announced IPv6 VIP', async () => {
    // Both VIPs belong to "web", and the election ranks on the Service's first ingress IP.
    const owner = ownerFor(VIP4);
    const ifname = t.client.ifname;
    // The client's own kernel claims the address: without DAD (accept_dad=0) and with
    // ndisc_notify=1 Linux sends an unsolicited NA with Override for it (RFC 4861 7.2.6).
    await t.client.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${ifname}.accept_dad=0`]);
    await t.client.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${ifname}.ndisc_notify=1`]);
    try {
      await t.client.exec('ip', ['-6', 'addr', 'add', `${VIP6}/128`, 'dev', ifname]);
      const mentionsVip6 = async () =>
        (await events('IPConflict', 'web')).filter(
          (e) => e.message?.includes(`"${VIP6}"`) && e.message.includes(t.client.mac.toLowerCase()),
        );
      await waitFor(
        async () => (await mentionsVip6()).length >= 1,
        10_000,
        'IPConflict event for the IPv6 VIP',
      );
      const [event] = await mentionsVip6();
      expect(event?.type).toBe('Warning');
      expect(event?.message).toContain(t.client.mac.toLowerCase());
      expect(event?.message).toContain(`"${owner}"`);
      const metrics = await metricsOf(owner);
      expect(sumSamples(metrics, 'baremetal_lb_layer2_conflicts_total', { ip: VIP6 })).toBeGreaterThanOrEqual(
        1,
      );
      expect(
        sumSamples(metrics, 'baremetal_lb_layer2_frames_total', { protocol: 'ndp', outcome: 'conflict' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await t.client.exec('ip', ['-6', 'addr', 'del', `${VIP6}/128`, 'dev', ifname]).catch(() => undefined);
      await t.client.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${ifname}.ndisc_notify=0`]);
      await t.client.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${ifname}.accept_dad=1`]);
    }
    // The claim changed nothing: the owner still answers.
    await waitFor(
      async () => (await ndiscMac(t.peer, VIP6)) === hostOf(owner).mac.toLowerCase(),
      10_000,
      `NDP answer from ${owner}`,
    );
  }, 30_000);

  it('keeps answering another client, and keeps its membership, through an ARP storm from one MAC', async () => {
    const owner = ownerFor(VIP4);
    const ownerMac = hostOf(owner).mac.toLowerCase();
    const rateLimited = async () =>
      sumSamples(await metricsOf(owner), 'baremetal_lb_layer2_frames_total', {
        protocol: 'arp',
        outcome: 'rateLimited',
      });
    // Suspicion is routine SWIM (refuted within a probe round, and frequent on this loaded
    // 2-core machine); a member declared dead is what would move the VIP.
    const deaths = async () => {
      let n = 0;
      for (const name of NODE_NAMES) {
        n += sumSamples(await metricsOf(name), 'baremetal_lb_membership_events_total', { state: 'dead' });
      }
      return n;
    };
    const droppedBefore = await rateLimited();
    const deathsBefore = await deaths();
    const capture = captureGratuitous(VIP4);
    // 40,000 requests in 2 s (20,000/s) from one forged MAC; the default limit is 1000/s per MAC.
    const frames = 40_000;
    let stormOver = false;
    const storm = floodArpRequests(t.client, {
      sourceMac: '02:00:00:5e:ed:01',
      senderIp: `${NET}.150`,
      targetIp: VIP4,
      frames,
      durationMs: 2000,
    }).finally(() => {
      stormOver = true;
    });
    const answers: (string | undefined)[] = [];
    try {
      // The legitimate client: real arping from the second client host, while the storm lasts.
      while (!stormOver) answers.push(await arpingMac(t.peer, VIP4));
      const sent = await storm;
      expect(sent).toBe(frames);
      expect(answers.length).toBeGreaterThanOrEqual(2);
      expect(answers).toEqual(answers.map(() => ownerMac));
      // Most of the storm was dropped by the limiter, and counted by reason.
      await waitFor(
        async () => (await rateLimited()) - droppedBefore >= frames / 2,
        5000,
        'rateLimited drops',
      );
      // No failover: nobody else claimed the VIP, nobody was declared dead, all three stay alive.
      expect(capture.seen.filter((g) => g.mac !== ownerMac)).toEqual([]);
      expect(await deaths()).toBe(deathsBefore);
      for (const name of NODE_NAMES) {
        expect(sumSamples(await metricsOf(name), 'baremetal_lb_membership_members', { state: 'alive' })).toBe(
          3,
        );
      }
      await expectArpOwner(VIP4, owner, 2000);
    } finally {
      await storm.catch(() => undefined);
      await capture.close();
    }
  }, 30_000);

  it('a restarting speaker that does not own the VIP never claims it', async () => {
    const owner = ownerFor(VIP4);
    const other = NODE_NAMES.find((n) => n !== owner)!;
    const capture = captureGratuitous(VIP4);
    try {
      await t.kill(hostOf(other), 'SIGKILL');
      await t.start(hostOf(other));
      await new Promise((r) => setTimeout(r, 1000));
      expect(capture.seen.filter((g) => g.mac === hostOf(other).mac.toLowerCase())).toEqual([]);
    } finally {
      await capture.close();
    }
    await expectArpOwner(VIP4, owner);
  }, 60_000);

  it('fails over when the announcing speaker is SIGKILLed, and the client sees the gratuitous ARP', async () => {
    const owner = ownerFor(VIP4);
    const { next, ms } = await failover('SIGKILL');
    console.log(`SIGKILL failover ${owner} -> ${next}: first gratuitous ARP after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThanOrEqual(failoverBoundMs);
    // The dead node cannot remove its ServiceL2Status; the new owner removes it and writes its own.
    await waitFor(
      async () => {
        const nodes = (await l2Statuses('web')).map((s) => s.status?.node);
        return nodes.length === 1 && nodes[0] === next;
      },
      10_000,
      `ServiceL2Status for web naming only ${next}`,
    );
    await t.start(hostOf(owner));
    await expectArpOwner(VIP4, owner);
  }, 60_000);

  it('fails over an IPv6 VIP on SIGKILL: the client sees the unsolicited NA and resolves to the new node', async () => {
    const owner = ownerFor(VIP4);
    const next = ownerFor(
      VIP4,
      NODE_NAMES.filter((n) => n !== owner),
    );
    const ownerMac = hostOf(owner).mac.toLowerCase();
    const nextMac = hostOf(next).mac.toLowerCase();
    const ifname = t.client.ifname;
    await waitFor(
      async () => (await ndiscMac(t.client, VIP6)) === ownerMac,
      10_000,
      `NDP answer from ${owner}`,
    );
    // One datagram to the VIP makes the client's kernel resolve it (its own NS, our NA) and keep
    // a neighbour entry; nothing listens, the datagram is only the trigger.
    await t.client.exec('bash', ['-c', `echo x > /dev/udp/${VIP6}/9`]);
    const neighbour = async () => {
      const { stdout } = await t.client.exec('ip', ['-6', '-j', 'neigh', 'show', VIP6, 'dev', ifname]);
      return (JSON.parse(stdout || '[]') as { lladdr?: string }[])[0]?.lladdr?.toLowerCase();
    };
    await waitFor(async () => (await neighbour()) === ownerMac, 5000, 'client neighbour entry');
    const capture = await captureNeighborAdvertisements(t.client);
    try {
      const t0 = Date.now();
      await t.kill(hostOf(owner), 'SIGKILL');
      const fromNext = () =>
        capture.seen.find(
          (na) =>
            na.target === VIP6 &&
            na.ethernetSource === nextMac &&
            na.targetLinkLayer === nextMac &&
            na.override &&
            !na.solicited &&
            na.ipv6Destination === 'ff02::1',
        );
      await waitFor(() => fromNext() !== undefined, 10_000, `unsolicited NA from ${next}`).catch(
        (e: Error) => {
          throw new Error(
            `${e.message}; captured ${JSON.stringify(capture.seen)}; tshark: ${capture.stderr()}`,
          );
        },
      );
      const ms = fromNext()!.capturedAtMs - t0;
      console.log(
        `IPv6 SIGKILL failover ${owner} -> ${next}: first unsolicited NA captured ${ms.toFixed(0)} ms after the kill`,
      );
      expect(ms).toBeLessThanOrEqual(failoverBoundMs);
      // The Override flag made the client's kernel replace its entry, and ndisc6 agrees.
      await waitFor(async () => (await neighbour()) === nextMac, 5000, 'client neighbour entry moved');
      await waitFor(
        async () => (await ndiscMac(t.client, VIP6)) === nextMac,
        10_000,
        `NDP answer from ${next}`,
      );
    } finally {
      await capture.close();
    }
    await t.start(hostOf(owner));
    await waitFor(
      async () => (await ndiscMac(t.client, VIP6)) === ownerMac,
      15_000,
      `NDP answer from ${owner} again`,
    );
  }, 60_000);

  it('hands over fast on SIGTERM (graceful leave)', async () => {
    const owner = ownerFor(VIP4);
    const { next, ms } = await failover('SIGTERM');
    console.log(`SIGTERM handover ${owner} -> ${next}: first gratuitous ARP after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThanOrEqual(gracefulHandoverBoundMs);
    await t.start(hostOf(owner));
    await expectArpOwner(VIP4, owner);
  }, 60_000);

  registerHandoverScenarios({ lab: () => t, vip: VIP4, ownerFor, expectArpOwner });

  it(
    `started while the API server is away (${apiOutageMs / 1000} s), speakers stay live and announce soon after it returns`,
    async () => {
      const owner = ownerFor(VIP4);
      await Promise.all(t.nodes.map((h) => t.kill(h, 'SIGKILL')));
      await expectArpOwner(VIP4, undefined);
      const stopped = await stopApiServer(t.envtest.dir);
      try {
        await expect(t.kube.request('GET', '/api/v1/nodes'), 'the API server is away').rejects.toThrow();
        const spawnedAt = Date.now();
        for (const h of t.nodes) t.spawn(h);
        // The kubelet's view, more often than the kubelet looks: /healthz and /readyz of every
        // speaker, every second, for the whole outage.
        const probe = async (host: (typeof t.nodes)[number], path: string) => {
          try {
            return (await fetch(`http://${host.ipv4}:7472${path}`, { signal: AbortSignal.timeout(1000) }))
              .status;
          } catch (error) {
            return (error as Error).name;
          }
        };
        const firstLive = new Map<string, number>();
        const failuresAfterLive: string[] = [];
        let probes = 0;
        let readyDuringOutage = 0;
        const end = spawnedAt + apiOutageMs;
        while (Date.now() < end) {
          for (const host of t.nodes) {
            const status = await probe(host, '/healthz');
            const at = Date.now() - spawnedAt;
            probes++;
            if (status === 200 && !firstLive.has(host.name)) firstLive.set(host.name, at);
            else if (status !== 200 && firstLive.has(host.name))
              failuresAfterLive.push(`${host.name} at ${at} ms: ${status}`);
            if ((await probe(host, '/readyz')) === 200) readyDuringOutage++;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
        const live = [...firstLive].map(([name, ms]) => `${name} ${ms} ms`).join(', ');
        console.log(`API server away: spawn -> /healthz answers 200: ${live}; ${probes} probes`);
        // The kubelet restarts a container after failureThreshold failed probes in a row, the first
        // at initialDelaySeconds: a speaker must be live before the last of those.
        const { initialDelaySeconds, periodSeconds, failureThreshold } = DEPLOYED_LIVENESS_PROBE;
        const restartAtMs = (initialDelaySeconds + (failureThreshold - 1) * periodSeconds) * 1000;
        // Soft: a run that fails here goes on to show what happens when the API server returns.
        for (const host of t.nodes) {
          expect
            .soft(firstLive.get(host.name) ?? Number.POSITIVE_INFINITY, `${host.name} live`)
            .toBeLessThan(restartAtMs);
        }
        expect.soft(failuresAfterLive, 'liveness failures once live').toEqual([]);
        expect.soft(readyDuringOutage, 'ready without the caches').toBe(0);
        for (const [name, p] of t.speakers) expect.soft(p.child.exitCode, `${name} exited`).toBeNull();
      } finally {
        stopRestartedApiServer = await stopped.restart();
      }
      await waitFor(
        async () => {
          try {
            await t.kube.request('GET', '/api/v1/nodes');
            return true;
          } catch {
            return false;
          }
        },
        60_000,
        'the API server back',
      );
      const back = performance.now();
      // Only the owner may claim the VIP: a speaker that joined alone would win every IP.
      const capture = captureGratuitous(VIP4);
      try {
        await expectArpOwner(VIP4, owner, announceAfterApiReturnBoundMs);
        const ms = performance.now() - back;
        console.log(
          `API server away ${apiOutageMs / 1000} s at start-up: ${owner} answers ARP ${ms.toFixed(0)} ms after it is back`,
        );
        expect(ms).toBeLessThanOrEqual(announceAfterApiReturnBoundMs);
        await new Promise((r) => setTimeout(r, 3000));
        const ownerMac = hostOf(owner).mac.toLowerCase();
        const others = capture.seen.filter((g) => g.mac !== ownerMac).map((g) => t.hostByMac(g.mac)?.name);
        expect(others, 'gratuitous ARPs for the VIP from other nodes').toEqual([]);
      } finally {
        await capture.close();
      }
      for (const host of t.nodes) {
        await waitFor(
          async () => (await fetch(`http://${host.ipv4}:7472/readyz`)).ok,
          30_000,
          `${host.name} ready`,
        );
      }
    },
    apiOutageMs + 180_000,
  );

  it('still fails over with the API server stopped', async () => {
    await stopRestartedApiServer?.();
    stopRestartedApiServer = undefined;
    await t.envtest.stop();
    // Let every informer notice the outage.
    await new Promise((r) => setTimeout(r, 1500));
    const { next } = await failover('SIGKILL');
    const logs = t.speakers.get(next)!.logs;
    expect(
      logs.some((l) => l.includes('keeping last known state') || l.includes('informer start failed')),
    ).toBe(true);
  }, 60_000);
});
