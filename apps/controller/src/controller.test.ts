import { MapStore, type Service, systemClock } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import type { StatusKind } from './config-status.ts';
import { Controller, objectStatusKey } from './controller.ts';
import { createControllerEvents } from './controller-events.ts';
import { buildPoolConfig } from './pool-config.ts';
import { MemoryCluster } from './testing/memory-cluster.ts';

const ns = 'metallb-system';

/** A controller on `cluster`; its informer cache is `services` (default: always current). */
function create(cluster: MemoryCluster, options: { lbClass?: string; services?: MapStore<Service> } = {}) {
  const recorder = createControllerEvents({ sink: cluster, clock: systemClock, identity: 't' });
  return new Controller(
    {
      services: options.services ?? cluster.services,
      pools: cluster.pools,
      namespaces: cluster.namespaces,
      configObjects: cluster.configObjects,
      api: cluster,
      recorder,
      buildPools: buildPoolConfig,
      clock: systemClock,
    },
    { namespace: ns, lbClass: options.lbClass, workers: 4, poolStatusDelayMs: 1 },
  );
}

function start(cluster: MemoryCluster, lbClass?: string) {
  const controller = create(cluster, lbClass === undefined ? {} : { lbClass });
  cluster.watchers = [controller];
  for (const s of cluster.services.list()) controller.serviceChanged(s);
  for (const p of cluster.pools.list()) controller.poolChanged(p);
  controller.startLeading();
  return controller;
}

function svc(name: string, extra: Partial<Service['metadata']> = {}, spec: Service['spec'] = {}): Service {
  return {
    metadata: { name, namespace: 'apps', ...extra },
    spec: {
      type: 'LoadBalancer',
      clusterIPs: ['198.19.240.1'],
      ipFamilies: ['IPv4'],
      ports: [{ port: 80 }],
      ...spec,
    },
  };
}

/** A Service as a previous controller left it: the IP in status and the pool annotation. */
function withIngress(service: Service, ip: string, poolName = 'default'): Service {
  return {
    ...service,
    metadata: {
      ...service.metadata,
      annotations: { ...service.metadata.annotations, 'metallb.io/ip-allocated-from-pool': poolName },
    },
    status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

function pool(name: string, addresses: string[]) {
  return { metadata: { name, namespace: ns }, spec: { addresses } };
}

describe('Controller (in-memory API)', () => {
  it('assigns, writes ingress and annotation in one status write, and emits one IPAllocated per Service', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/29']));
    for (const name of ['a', 'b', 'c']) cluster.applyService(svc(name));
    const controller = start(cluster);
    await controller.idle();
    expect(new Set([...cluster.assignments().values()].map((ips) => ips[0])).size).toBe(3);
    expect(
      cluster.services.get('a', 'apps')?.metadata.annotations?.['metallb.io/ip-allocated-from-pool'],
    ).toBe('default');
    expect(cluster.events.filter((e) => e.reason === 'IPAllocated')).toHaveLength(3);
    const forA = cluster.writes.filter((w) => w.includes('apps/a '));
    expect(forA).toEqual([`status apps/a ${cluster.assignments().get('apps/a')![0]} default`]);
    const status = cluster.pools.get('default', ns)?.status;
    expect(status).toMatchObject({ assignedIPv4: 3, availableIPv4: 5, assignedIPv6: 0 });
    expect(status?.conditions?.[0]).toMatchObject({ type: 'Valid', status: 'True' });
    await controller.stopLeading();
  });

  it('restores every assignment on restart: no IP changes, no writes, no events', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/28']));
    for (let i = 0; i < 10; i++) cluster.applyService(svc(`s${i}`));
    const first = start(cluster);
    await first.idle();
    await first.stopLeading();
    const before = cluster.assignments();
    // Delete the lowest holder so a naive allocator would hand its IP to the next newcomer.
    cluster.deleteService('apps', 's0');
    cluster.applyService(svc('newcomer'));
    cluster.writes.length = 0;
    cluster.events.length = 0;
    const second = start(cluster);
    await second.idle();
    const after = cluster.assignments();
    for (const [key, ips] of before) if (key !== 'apps/s0') expect(after.get(key)).toEqual(ips);
    expect(after.get('apps/newcomer')).toEqual(before.get('apps/s0'));
    expect(cluster.writes.filter((w) => !w.includes('newcomer') && !w.startsWith('poolStatus'))).toEqual([]);
    expect(cluster.events.map((e) => `${e.reason} ${e.regarding.name}`)).toEqual(['IPAllocated newcomer']);
    await second.stopLeading();
  });

  it('restores before it allocates: a newcomer seen first cannot take an IP held in status', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    // The newcomer is listed first, so a controller that allocated in list order would hand it
    // one of the four addresses the existing Services already hold in their status.
    cluster.applyService(svc('newcomer'));
    for (let i = 0; i < 4; i++) cluster.applyService(withIngress(svc(`s${i}`), `192.0.2.${i}`));
    const controller = start(cluster);
    await controller.idle();
    for (let i = 0; i < 4; i++) expect(cluster.assignments().get(`apps/s${i}`)).toEqual([`192.0.2.${i}`]);
    expect(cluster.assignments().get('apps/newcomer')).toEqual([]);
    expect(cluster.events.map((e) => `${e.reason} ${e.regarding.name}`)).toEqual([
      'AllocationFailed newcomer',
    ]);
    await controller.stopLeading();
  });

  it('keeps the status IP of a Service whose annotation became invalid reserved across a restart', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('one', ['192.0.2.7/32']));
    cluster.applyService(svc('newcomer'));
    const broken = svc('broken', { annotations: { 'metallb.io/loadBalancerIPs': 'nonsense' } });
    cluster.applyService(withIngress(broken, '192.0.2.7', 'one'));
    const controller = start(cluster);
    await controller.idle();
    expect(cluster.assignments().get('apps/broken')).toEqual(['192.0.2.7']);
    expect(cluster.assignments().get('apps/newcomer')).toEqual([]);
    await controller.stopLeading();
  });

  it('gives a pending Service the IP another one releases', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('one', ['192.0.2.7/32']));
    cluster.applyService(svc('first'));
    const controller = start(cluster);
    await controller.idle();
    cluster.applyService(svc('second'));
    await controller.idle();
    expect(cluster.assignments().get('apps/second')).toEqual([]);
    expect(cluster.events.filter((e) => e.reason === 'AllocationFailed')).toHaveLength(1);
    cluster.applyService(svc('first', {}, { type: 'ClusterIP', clusterIPs: ['198.19.240.1'] }));
    await controller.idle();
    expect(cluster.assignments().get('apps/first')).toEqual([]);
    expect(
      cluster.services.get('first', 'apps')?.metadata.annotations?.['metallb.io/ip-allocated-from-pool'],
    ).toBeUndefined();
    expect(cluster.assignments().get('apps/second')).toEqual(['192.0.2.7']);
    await controller.stopLeading();
  });

  it('moves a Service when its range leaves the pool, and reports a bad pool in its status', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    cluster.applyService(svc('web'));
    const controller = start(cluster);
    await controller.idle();
    expect(cluster.assignments().get('apps/web')).toEqual(['192.0.2.0']);
    cluster.applyPool(pool('default', ['198.51.100.0/30']));
    cluster.applyPool(pool('overlapping', ['198.51.100.2/31']));
    cluster.applyPool(pool('broken', ['not-an-ip']));
    await controller.idle();
    expect(cluster.assignments().get('apps/web')).toEqual(['198.51.100.0']);
    const events = (kind: string) => cluster.events.filter((e) => e.regarding.kind === kind);
    expect(events('Service').map((e) => e.reason)).toEqual(['IPAllocated', 'ClearAssignment', 'IPAllocated']);
    // One Warning per pool with problems (the older pool of an overlap gets a warning too).
    expect(
      events('IPAddressPool')
        .map((e) => `${e.type} ${e.regarding.name} ${e.reason}`)
        .sort(),
    ).toEqual(['Warning broken InvalidAddress', 'Warning default Overlap', 'Warning overlapping Overlap']);
    const overlapping = cluster.pools.get('overlapping', ns)?.status?.conditions?.[0];
    expect(overlapping).toMatchObject({ status: 'False', reason: 'Overlap' });
    expect(overlapping?.message).toContain('198.51.100.0/30');
    expect(cluster.pools.get('broken', ns)?.status?.conditions?.[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidAddress',
    });
    expect(cluster.pools.get('default', ns)?.status).toMatchObject({ assignedIPv4: 1, availableIPv4: 3 });
    await controller.stopLeading();
  });

  it('writes the Valid condition of BGP and layer-2 objects, with one Warning event per change of their problems', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('small', ['198.51.100.0/28']));
    const meta = (name: string) => ({ name, namespace: ns });
    cluster.applyConfigObject('BGPAdvertisement', { metadata: meta('agg'), spec: { aggregationLength: 24 } });
    cluster.applyConfigObject('BGPAdvertisement', { metadata: meta('fine'), spec: {} });
    cluster.applyConfigObject('BGPPeer', {
      metadata: meta('router'),
      spec: { myASN: 64500, peerASN: 64501, peerAddress: '198.51.100.254', bfdProfile: 'fast' },
    });
    cluster.applyConfigObject('L2Advertisement', {
      metadata: meta('l2'),
      spec: { ipAddressPools: ['nope'] },
    });
    const controller = start(cluster);
    await controller.idle();
    const valid = (kind: StatusKind, name: string) =>
      cluster.configObjects
        .get(kind)!
        .get(name, ns)
        ?.status?.conditions?.find((c) => c.type === 'Valid');
    expect(valid('BGPAdvertisement', 'agg')).toMatchObject({ status: 'True', reason: 'ValidWithWarnings' });
    expect(valid('BGPAdvertisement', 'agg')?.message).toContain('198.51.100.0/28');
    expect(valid('BGPAdvertisement', 'fine')).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(valid('BGPPeer', 'router')?.message).toContain('BFD profile "fast" does not exist');
    expect(valid('L2Advertisement', 'l2')?.message).toContain('pool "nope" does not exist');
    const warnings = () =>
      cluster.events.filter((e) => e.type === 'Warning').map((e) => `${e.regarding.kind}/${e.reason}`);
    expect(warnings().sort()).toEqual([
      'BGPAdvertisement/AggregationLengthTooShort',
      'BGPPeer/UnknownBFDProfile',
      'L2Advertisement/UnknownPool',
    ]);

    cluster.applyConfigObject('BFDProfile', { metadata: meta('fast'), spec: {} });
    await controller.idle();
    expect(valid('BGPPeer', 'router')).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(valid('BFDProfile', 'fast')).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(warnings()).toHaveLength(3);

    // Nothing changed: no status write, no event.
    const writes = cluster.writes.length;
    controller.queue.add(objectStatusKey);
    await controller.idle();
    expect(cluster.writes.length).toBe(writes);
    expect(warnings()).toHaveLength(3);
    await controller.stopLeading();
  });

  it('falls back to a separate annotation write when status writes drop metadata', async () => {
    const cluster = new MemoryCluster();
    cluster.statusIgnoresMetadata = true;
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    cluster.applyService(svc('web'));
    const controller = start(cluster);
    await controller.idle();
    expect(cluster.writes.filter((w) => w.includes('apps/web'))).toEqual([
      'status apps/web 192.0.2.0 -',
      'pool apps/web default',
    ]);
    expect(
      cluster.services.get('web', 'apps')?.metadata.annotations?.['metallb.io/ip-allocated-from-pool'],
    ).toBe('default');
    await controller.stopLeading();
  });

  it('retries failed writes with backoff until they succeed', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    cluster.failNext = { count: 3, status: 409 };
    cluster.applyService(svc('web'));
    const controller = start(cluster);
    await controller.idle();
    expect(cluster.assignments().get('apps/web')).toEqual(['192.0.2.0']);
    expect(cluster.events.filter((e) => e.reason === 'IPAllocated')).toHaveLength(1);
    await controller.stopLeading();
  });

  it('does nothing while not leading', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    const controller = start(cluster);
    await controller.stopLeading();
    cluster.applyService(svc('web'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cluster.assignments().get('apps/web')).toEqual([]);
    controller.startLeading();
    await controller.idle();
    expect(cluster.assignments().get('apps/web')).toEqual(['192.0.2.0']);
    await controller.stopLeading();
  });

  it('restores from the list read after winning the Lease, not from a cache that lags behind it', async () => {
    const cluster = new MemoryCluster();
    cluster.applyPool(pool('default', ['192.0.2.0/30']));
    const newcomer = cluster.applyService(svc('new'));
    // The previous leader's last write gave "old" 192.0.2.0; the API server has it, this
    // replica's informer has not delivered it yet.
    const written = cluster.applyService({
      ...svc('old'),
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.0' }] } },
    });
    const lagging = new MapStore<Service>();
    lagging.set(newcomer);
    lagging.set({ ...written, status: {} });
    const controller = create(cluster, { services: lagging });
    controller.poolChanged(cluster.pools.list()[0]!);
    controller.startLeading(await cluster.listServices());
    expect(controller.allocator.assignmentOf('apps/old')?.ips).toEqual(['192.0.2.0']);
    // The newcomer, reconciled first, gets the lowest address that is really free.
    await waitUntil(() => cluster.assignments().get('apps/new')?.length === 1);
    expect(cluster.assignments().get('apps/new')).toEqual(['192.0.2.1']);
    await controller.stopLeading();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
