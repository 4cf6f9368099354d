/**
 * Every behaviour of the controller against a real kube-apiserver (tools/envtest), with the
 * controller authenticated as the ServiceAccount bound only to deploy/rbac/controller.yaml.
 */
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, runController } from '../src/app.ts';
import { KubeControllerApi } from '../src/controller-api.ts';
import { parseFlags } from '../src/flags.ts';
import { createLogger } from '../src/log.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const poolNs = 'it-behaviour';
const ns = 'it-behaviour-apps';
const lbClass = 'example.com/behaviour';
const cls = { loadBalancerClass: lbClass };

describe.skipIf(!envtest)('controller against a real API server', () => {
  let cluster: TestCluster;
  let running: RunningController;
  let kubeconfig: string;

  const start = async () =>
    runController(
      parseFlags([
        `--kubeconfig=${kubeconfig}`,
        `--namespace=${poolNs}`,
        `--lb-class=${lbClass}`,
        '--metrics-host=127.0.0.1',
        '--metrics-port=0',
        '--identity=behaviour',
      ]),
      { log: createLogger('warn') },
    );

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    kubeconfig = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, poolNs);
    await cluster.createNamespace(ns);
    await cluster.applyPool(poolNs, 'main', { addresses: ['198.51.100.0/28', '2001:db8:1::/124'] });
    await cluster.applyPool(poolNs, 'manual', {
      addresses: ['198.51.100.100-198.51.100.103'],
      autoAssign: false,
    });
    running = await start();
    await waitFor('leadership', () => running.controller.restored);
  });

  afterAll(async () => {
    await running?.stop();
    await cluster?.close();
  });

  const ipsOf = (name: string) =>
    waitFor(`an IP for ${name}`, async () => {
      const ips = await cluster.ips(ns, name);
      return ips.length > 0 ? ips : undefined;
    });

  it('writes status.loadBalancer.ingress with ipMode VIP, the pool annotation and one IPAllocated event', async () => {
    await cluster.createService(ns, 'basic', cls);
    const [ip] = await ipsOf('basic');
    const service = await cluster.getService(ns, 'basic');
    expect(service?.status?.loadBalancer?.ingress).toEqual([{ ip, ipMode: 'VIP' }]);
    expect(service?.metadata.annotations?.['metallb.io/ip-allocated-from-pool']).toBe('main');
    // Unrelated updates do not repeat the event.
    await cluster.patchService(ns, 'basic', { metadata: { labels: { touched: 'yes' } } });
    await cluster.patchService(ns, 'basic', { metadata: { labels: { touched: 'again' } } });
    await running.controller.idle();
    const events = await waitFor('the event', async () => {
      const list = await cluster.events(ns, 'basic');
      return list.length > 0 ? list : undefined;
    });
    expect(events.map((e) => [e.type, e.reason, e.note])).toEqual([
      ['Normal', 'IPAllocated', `Assigned IP ["${ip}"]`],
    ]);
  });

  it('honours loadBalancerIPs (both prefixes, the new one winning), spec.loadBalancerIP and address-pool', async () => {
    await cluster.createService(ns, 'old-prefix', cls, {
      annotations: { 'metallb.universe.tf/loadBalancerIPs': '198.51.100.10' },
    });
    await cluster.createService(ns, 'both-prefixes', cls, {
      annotations: {
        'metallb.universe.tf/loadBalancerIPs': '198.51.100.11',
        'metallb.io/loadBalancerIPs': '198.51.100.12',
      },
    });
    await cluster.createService(ns, 'spec-ip', { ...cls, loadBalancerIP: '198.51.100.13' });
    await cluster.createService(ns, 'named-pool', cls, {
      annotations: { 'metallb.io/address-pool': 'manual' },
    });
    await cluster.createService(ns, 'manual-ip', cls, {
      annotations: { 'metallb.universe.tf/loadBalancerIPs': '198.51.100.103' },
    });
    expect(await ipsOf('old-prefix')).toEqual(['198.51.100.10']);
    expect(await ipsOf('both-prefixes')).toEqual(['198.51.100.12']);
    expect(await ipsOf('spec-ip')).toEqual(['198.51.100.13']);
    expect(await ipsOf('named-pool')).toEqual(['198.51.100.100']);
    expect(await ipsOf('manual-ip')).toEqual(['198.51.100.103']);
    expect(
      (await cluster.getService(ns, 'named-pool'))?.metadata.annotations?.[
        'metallb.io/ip-allocated-from-pool'
      ],
    ).toBe('manual');
  });

  it.each([
    ['bad-ip', { 'metallb.io/loadBalancerIPs': '198.51.100.300' }, 'LoadBalancerFailed'],
    [
      'three-ips',
      { 'metallb.io/loadBalancerIPs': '198.51.100.5,198.51.100.6,2001:db8:1::5' },
      'LoadBalancerFailed',
    ],
    ['two-ipv4', { 'metallb.io/loadBalancerIPs': '198.51.100.5,198.51.100.6' }, 'LoadBalancerFailed'],
    ['outside-pools', { 'metallb.io/loadBalancerIPs': '203.0.113.9' }, 'AllocationFailed'],
    ['unknown-pool', { 'metallb.universe.tf/address-pool': 'no-such-pool' }, 'AllocationFailed'],
  ])(
    '%s: a Warning event, the Service stays pending and others proceed',
    async (name, annotations, reason) => {
      await cluster.createService(ns, name, cls, { annotations });
      await cluster.createService(ns, `${name}-neighbour`, cls);
      await ipsOf(`${name}-neighbour`);
      const events = await waitFor(`a ${reason} event`, async () => {
        const list = await cluster.events(ns, name);
        return list.length > 0 ? list : undefined;
      });
      // A later unrelated update re-reconciles; the same failure is not announced twice.
      await cluster.patchService(ns, name, { metadata: { labels: { again: 'yes' } } });
      await running.controller.idle();
      expect((await cluster.events(ns, name)).map((e) => [e.type, e.reason])).toEqual([['Warning', reason]]);
      expect(events[0]?.note).toContain(`"${ns}/${name}"`);
      expect(await cluster.ips(ns, name)).toEqual([]);
    },
  );

  it('gives RequireDualStack and PreferDualStack one IP per family, primary family first', async () => {
    await cluster.createService(ns, 'dual-required', {
      ...cls,
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: ['IPv6', 'IPv4'],
    });
    await cluster.createService(ns, 'dual-preferred', { ...cls, ipFamilyPolicy: 'PreferDualStack' });
    await cluster.createService(ns, 'single-v6', {
      ...cls,
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv6'],
    });
    const required = await ipsOf('dual-required');
    expect(required).toHaveLength(2);
    expect(required[0]).toContain(':');
    expect(required[1]).not.toContain(':');
    expect(await ipsOf('dual-preferred')).toHaveLength(2);
    const single = await ipsOf('single-v6');
    expect(single).toHaveLength(1);
    expect(single[0]).toMatch(/^2001:db8:1::/);
  });

  it('PreferDualStack takes one family when only that is available and gains the other later', async () => {
    await cluster.applyPool(poolNs, 'v4only', {
      addresses: ['198.51.100.200/30'],
      serviceAllocation: { priority: 1, serviceSelectors: [{ matchLabels: { pool: 'v4only' } }] },
    });
    await running.controller.idle();
    await cluster.createService(
      ns,
      'prefer-later',
      { ...cls, ipFamilyPolicy: 'PreferDualStack' },
      { labels: { pool: 'v4only' } },
    );
    expect(await ipsOf('prefer-later')).toEqual(['198.51.100.200']);
    await cluster.applyPool(poolNs, 'v4only', { addresses: ['198.51.100.200/30', '2001:db8:2::/126'] });
    const both = await waitFor('the second family', async () => {
      const ips = await cluster.ips(ns, 'prefer-later');
      return ips.length === 2 ? ips : undefined;
    });
    expect(both[0]).toBe('198.51.100.200');
    expect(both[1]).toMatch(/^2001:db8:2::/);
  });

  it('shares an IP between Services with one sharing key and distinct ports, and refuses a clash', async () => {
    const shared = { 'metallb.io/allow-shared-ip': 'dns' };
    await cluster.createService(
      ns,
      'dns-tcp',
      { ...cls, ports: [{ port: 53, protocol: 'TCP' }] },
      { annotations: shared },
    );
    await cluster.createService(
      ns,
      'dns-udp',
      { ...cls, ports: [{ port: 53, protocol: 'UDP' }] },
      { annotations: shared },
    );
    const [tcp] = await ipsOf('dns-tcp');
    const [udp] = await ipsOf('dns-udp');
    expect(udp).toBe(tcp);
    await cluster.createService(
      ns,
      'dns-clash',
      { ...cls, ports: [{ port: 53, protocol: 'TCP' }] },
      { annotations: { ...shared, 'metallb.io/loadBalancerIPs': tcp! } },
    );
    await waitFor('the clash to be reported', async () =>
      (await cluster.events(ns, 'dns-clash')).some((e) => e.reason === 'AllocationFailed'),
    );
    expect(await cluster.ips(ns, 'dns-clash')).toEqual([]);
  });

  it('releases on type change and on delete, and a pending Service gets the freed IP', async () => {
    await cluster.applyPool(poolNs, 'tiny', { addresses: ['198.51.100.250/32'], autoAssign: false });
    await running.controller.idle();
    const labels = {};
    const annotations = { 'metallb.io/address-pool': 'tiny' };
    await cluster.createService(ns, 'tiny-a', cls, { labels, annotations });
    expect(await ipsOf('tiny-a')).toEqual(['198.51.100.250']);
    await cluster.createService(ns, 'tiny-b', cls, { labels, annotations });
    await waitFor('exhaustion to be reported', async () =>
      (await cluster.events(ns, 'tiny-b')).some((e) => e.reason === 'AllocationFailed'),
    );
    await cluster.patchService(ns, 'tiny-a', { spec: { type: 'ClusterIP' } });
    expect(await ipsOf('tiny-b')).toEqual(['198.51.100.250']);
    // The API server itself empties status.loadBalancer when the type changes away from
    // LoadBalancer, so the empty ingress alone proves nothing; the pool annotation is ours to remove.
    await waitFor('tiny-a to lose its ingress and pool annotation', async () => {
      const service = await cluster.getService(ns, 'tiny-a');
      const ingress = service?.status?.loadBalancer?.ingress ?? [];
      const pool = service?.metadata.annotations?.['metallb.io/ip-allocated-from-pool'];
      return ingress.length === 0 && pool === undefined;
    });
    await cluster.createService(ns, 'tiny-c', cls, { labels, annotations });
    await waitFor('tiny-c pending', async () =>
      (await cluster.events(ns, 'tiny-c')).some((e) => e.reason === 'AllocationFailed'),
    );
    await cluster.deleteService(ns, 'tiny-b');
    expect(await ipsOf('tiny-c')).toEqual(['198.51.100.250']);
  });

  it('re-evaluates a pending Service when its Namespace gains the labels a pool selects', async () => {
    await cluster.createNamespace('it-behaviour-team');
    await cluster.applyPool(poolNs, 'team-only', {
      addresses: ['192.0.2.40/30'],
      serviceAllocation: { namespaceSelectors: [{ matchLabels: { team: 'blue' } }] },
    });
    await running.controller.idle();
    await cluster.createService('it-behaviour-team', 'team-web', cls, {
      annotations: { 'metallb.io/address-pool': 'team-only' },
    });
    await waitFor('the refusal', async () =>
      (await cluster.events('it-behaviour-team', 'team-web')).some((e) => e.reason === 'AllocationFailed'),
    );
    expect(await cluster.ips('it-behaviour-team', 'team-web')).toEqual([]);
    await cluster.labelNamespace('it-behaviour-team', { team: 'blue' });
    await waitFor(
      'the IP',
      async () => (await cluster.ips('it-behaviour-team', 'team-web'))[0] === '192.0.2.40',
    );
  });

  it('moves a Service to a new IP when a pool change removes its range, with ClearAssignment', async () => {
    await cluster.applyPool(poolNs, 'moving', {
      addresses: ['192.0.2.16/30'],
      serviceAllocation: { priority: 1, serviceSelectors: [{ matchLabels: { pool: 'moving' } }] },
    });
    await running.controller.idle();
    await cluster.createService(ns, 'mover', cls, { labels: { pool: 'moving' } });
    expect(await ipsOf('mover')).toEqual(['192.0.2.16']);
    await cluster.applyPool(poolNs, 'moving', { addresses: ['192.0.2.24/30'] });
    await waitFor('the move', async () => (await cluster.ips(ns, 'mover'))[0] === '192.0.2.24');
    const reasons = await waitFor('events', async () => {
      const list = (await cluster.events(ns, 'mover')).map((e) => e.reason);
      return list.length >= 3 ? list : undefined;
    });
    expect(reasons.sort()).toEqual(['ClearAssignment', 'IPAllocated', 'IPAllocated']);
  });

  it('reports pool counters and problems in IPAddressPool status; a bad pool is skipped, good ones serve', async () => {
    await cluster.applyPool(poolNs, 'overlapping', { addresses: ['198.51.100.8/29'] });
    await waitFor('the overlap condition', async () => {
      const condition = (await cluster.getPool(poolNs, 'overlapping'))?.status?.conditions?.[0];
      return condition?.status === 'False' && condition.reason === 'Overlap' ? condition : undefined;
    });
    const main = await waitFor('main counters', async () => {
      const status = (await cluster.getPool(poolNs, 'main'))?.status;
      return status?.conditions?.[0]?.status === 'True' && Number(status.assignedIPv4) > 0
        ? status
        : undefined;
    });
    expect(Number(main.assignedIPv4) + Number(main.availableIPv4)).toBe(16);
    expect(Number(main.assignedIPv6) + Number(main.availableIPv6)).toBe(16);
    await cluster.createService(ns, 'after-bad-pool', cls);
    const [ip] = await ipsOf('after-bad-pool');
    expect(ip?.startsWith('198.51.100.')).toBe(true);
    // A Service that names the left-out pool hears that it exists and why it is not used.
    await cluster.createService(ns, 'wants-overlapping', cls, {
      annotations: { 'metallb.universe.tf/address-pool': 'overlapping' },
    });
    const [failed] = await waitFor('an AllocationFailed event', async () => {
      const list = await cluster.events(ns, 'wants-overlapping');
      return list.length > 0 ? list : undefined;
    });
    expect(failed?.reason).toBe('AllocationFailed');
    expect(failed?.note).not.toContain('unknown pool');
    expect(failed?.note).toMatch(/pool "overlapping" exists but is not usable: .*overlaps .* pool "main"/);
    await cluster.deletePool(poolNs, 'overlapping');
  });

  it('leaves Services of other classes (and without a class) alone', async () => {
    await cluster.createService(ns, 'other-class', { loadBalancerClass: 'example.com/other' });
    await cluster.createService(ns, 'no-class', {});
    await cluster.createService(ns, 'mine-after', cls);
    await ipsOf('mine-after');
    await running.controller.idle();
    expect(await cluster.ips(ns, 'other-class')).toEqual([]);
    expect(await cluster.ips(ns, 'no-class')).toEqual([]);
    expect(await cluster.events(ns, 'other-class')).toEqual([]);
    // A classless Service left in the shared API server would be served by the RBAC test's
    // classless controller and change the counts it checks.
    await cluster.deleteService(ns, 'no-class');
  });

  it('restores every assignment after a restart: no IP changes, no new events', async () => {
    await running.controller.idle();
    const before = new Map(
      (await cluster.listServices(ns)).map((s) => [s.metadata.name, JSON.stringify(s.status)]),
    );
    const eventsBefore = new Set(
      (await cluster.events(ns)).map((e) => `${e.reason} ${e.regarding.name} ${e.note}`),
    );
    await running.stop();
    await cluster.deleteService(ns, 'basic');
    await cluster.createService(ns, 'after-restart', cls);
    running = await start();
    await waitFor('leadership', () => running.controller.restored);
    await ipsOf('after-restart');
    await running.controller.idle();
    for (const service of await cluster.listServices(ns)) {
      if (before.has(service.metadata.name))
        expect(JSON.stringify(service.status)).toBe(before.get(service.metadata.name));
    }
    const newEvents = (await cluster.events(ns))
      .map((e) => `${e.reason} ${e.regarding.name} ${e.note}`)
      .filter((e) => !eventsBefore.has(e));
    // No IP moved, so the only IPAllocated is the newcomer's and nothing was cleared. (A Service
    // that still fails says so once more after a restart: the last-event memory is in-process.)
    expect(
      newEvents.filter((e) => !e.startsWith('LoadBalancerFailed') && !e.startsWith('AllocationFailed')),
    ).toEqual([expect.stringMatching(/^IPAllocated after-restart /)]);
  });

  it('a write meant for a deleted and re-created Service is refused (uid and resourceVersion preconditions); the new one is served', async () => {
    const stale = await cluster.createService(ns, 'recreated', {
      ...cls,
      type: 'ClusterIP',
      loadBalancerClass: undefined,
      allocateLoadBalancerNodePorts: undefined,
    });
    await cluster.deleteService(ns, 'recreated');
    await cluster.createService(ns, 'recreated', cls);
    const api = new KubeControllerApi(cluster.client);
    const change = { ingress: [{ ip: '198.51.100.1', ipMode: 'VIP' as const }] };
    // The controller's writes carry the resourceVersion they were decided on: stale, so a conflict.
    const conflict = await api.patchServiceStatus(stale, change).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ status: 409 });
    // And the uid: a merge patch carrying another uid cannot apply either (uid is immutable).
    const { resourceVersion: _, ...unversioned } = stale.metadata;
    const refused = await api
      .patchServiceStatus({ ...stale, metadata: unversioned }, change)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422 });
    expect((refused as Error).message).toContain('metadata.uid');
    await ipsOf('recreated');
  });

  it('serves MetalLB metric names, /healthz and /readyz', async () => {
    const base = `http://127.0.0.1:${running.metricsPort}`;
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/metallb_allocator_addresses_in_use_total\{pool="main"\} \d+/);
    expect(text).toMatch(/metallb_allocator_addresses_total\{pool="main"\} 32/);
    expect(text).toContain('metallb_k8s_client_config_loaded_bool 1');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
