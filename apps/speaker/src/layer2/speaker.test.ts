import type { Node, Service } from '@baremetal-lb/kube';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../k8s/cluster-cache.ts';
import { SpeakerMetrics } from '../observe/speaker-metrics.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { Announcer, type AnnounceTarget, type Placement } from './announce/announcer.ts';
import type { DesiredL2Status } from './k8s/plan-status-sync.ts';
import { Speaker } from './speaker.ts';

const VIP = '10.0.0.1'; // MetalLB's golden vector: node-b, node-a, node-c.

function node(name: string): Node {
  return { metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.1' }] } };
}

function service(name: string, ip: string): Service {
  return {
    metadata: { namespace: 'default', name, uid: `uid-${name}` },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

function snapshot(services: Service[]): ClusterSnapshot {
  return {
    services,
    endpointSlices: services.map((s) => ({
      addressType: 'IPv4',
      metadata: {
        namespace: 'default',
        name: `${s.metadata!.name}-1`,
        labels: { 'kubernetes.io/service-name': s.metadata!.name! },
      },
      endpoints: [{ addresses: ['192.0.2.50'], nodeName: 'node-a' }],
    })),
    nodes: ['node-a', 'node-b', 'node-c'].map(node),
    pools: [{ metadata: { name: 'pool' }, spec: { addresses: ['10.0.0.0/24'] } }],
    advertisements: [{ metadata: { name: 'l2' }, spec: {} }],
    bgpPeers: [],
    bgpAdvertisements: [],
    communities: [],
    bfdProfiles: [],
    secrets: [],
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

function setup(me: string, options: { known?: () => readonly string[]; holdMs?: number } = {}) {
  const placed = new Set<string>();
  const target: AnnounceTarget = {
    add: (p: Placement) => placed.add(`${p.ip}@${p.ifname}`),
    remove: (p: Placement) => placed.delete(`${p.ip}@${p.ifname}`),
    // Still answered until the new owner claims it: `released` records what is being handed over.
    release: (p: Placement) => released.add(`${p.ip}@${p.ifname}`),
    sendGratuitous: () => {},
  };
  const released = new Set<string>();
  const clock = new FakeClock();
  let cluster = snapshot([service('web', VIP)]);
  let alive = ['node-a', 'node-b', 'node-c'];
  const synced: (readonly DesiredL2Status[])[] = [];
  const events: string[] = [];
  let apiUp = true;
  const speaker = new Speaker({
    nodeName: me,
    lbClass: undefined,
    log: pino({ level: 'silent' }),
    metrics: new SpeakerMetrics(),
    cluster: { snapshot: () => cluster },
    members: { liveMembers: () => alive, knownMembers: options.known ?? (() => alive) },
    ...(options.holdMs === undefined
      ? {}
      : { startHold: { holdMs: options.holdMs, now: () => clock.now() } }),
    interfaces: () => [{ name: 'eth0', arp: true, ndp: true }],
    announcer: new Announcer(target, clock),
    statusWriter: {
      async sync(desired) {
        if (!apiUp) throw new Error('connection refused');
        const fresh = desired.filter((d) => !synced.flat().some((s) => s.serviceName === d.serviceName));
        synced.push(desired);
        return fresh;
      },
    },
    events: {
      record(svc, { type, reason, message }) {
        events.push(`${type} ${reason} ${svc.namespace}/${svc.name} ${svc.uid} ${message}`);
        return true;
      },
    },
  });
  return {
    speaker,
    placed,
    released,
    clock,
    synced,
    events,
    setCluster: (c: ClusterSnapshot) => {
      cluster = c;
    },
    setAlive: (a: string[]) => {
      alive = a;
    },
    setApiUp: (up: boolean) => {
      apiUp = up;
    },
  };
}

describe('Speaker', () => {
  it('announces what the election gives this node, writes its status and emits nodeAssigned once', async () => {
    const s = setup('node-b');
    s.speaker.reconcile();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    await settle();
    s.speaker.reconcile();
    await settle();
    expect(s.synced[0]).toEqual([{ serviceNamespace: 'default', serviceName: 'web', interfaces: [] }]);
    expect(s.events).toEqual([
      'Normal nodeAssigned default/web uid-web announcing from node "node-b" with protocol "layer2"',
    ]);
  });

  it('takes the IP over when the owner leaves the membership, and gives it back', () => {
    const s = setup('node-a');
    s.speaker.reconcile();
    expect(s.placed.size).toBe(0);
    s.setAlive(['node-a', 'node-c']);
    s.speaker.reconcile();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    s.setAlive(['node-a', 'node-b', 'node-c']);
    s.speaker.reconcile();
    // Make-before-break: still answered, handed over until node-b claims it (or the timeout).
    expect([...s.released]).toEqual([`${VIP}@eth0`]);
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    s.clock.advance(3500);
    expect(s.placed.size).toBe(0);
  });

  it('at start-up holds back an IP that a node not yet seen in the membership would own', async () => {
    // VIP ranks node-b, node-a, node-c. node-a is up first and has seen only node-c.
    let known = ['node-a', 'node-c'];
    const s = setup('node-a', { known: () => known, holdMs: 1000 });
    s.setAlive(['node-a', 'node-c']);
    s.speaker.start();
    s.speaker.reconcile();
    await settle();
    expect(s.placed.size).toBe(0);
    expect(s.synced.flat()).toEqual([]); // no ServiceL2Status for a held IP either
    // node-b shows up (alive): it is the owner, node-a never announced.
    known = ['node-a', 'node-b', 'node-c'];
    s.setAlive(known);
    s.speaker.reconcile();
    expect(s.placed.size).toBe(0);
    // node-b dies before the hold ends: it is known now, so node-a takes over at once.
    s.setAlive(['node-a', 'node-c']);
    s.speaker.reconcile();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    s.speaker.stop();
  });

  it('announces after the hold when the better node never shows up', async () => {
    const s = setup('node-a', { known: () => ['node-a', 'node-c'], holdMs: 1000 });
    s.setAlive(['node-a', 'node-c']);
    s.speaker.start();
    s.speaker.reconcile();
    expect(s.placed.size).toBe(0);
    s.clock.advance(1000);
    s.speaker.reconcile();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    s.speaker.stop();
  });

  it('an owner whose betters are all known announces at once, hold or not', () => {
    const s = setup('node-b', { known: () => ['node-b'], holdMs: 1000 });
    s.setAlive(['node-b']);
    s.speaker.start();
    s.speaker.reconcile();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    s.speaker.stop();
  });

  it('on a graceful stop hands its IPs to the next node and resolves once they are claimed', async () => {
    const s = setup('node-b');
    s.speaker.reconcile();
    let done = false;
    const stopping = s.speaker.handOverAll().then(() => {
      done = true;
    });
    expect([...s.released]).toEqual([`${VIP}@eth0`]);
    await settle();
    expect(done).toBe(false);
    s.clock.advance(3500);
    await stopping;
    expect(s.placed.size).toBe(0);
  });

  it('keeps announcing while status writes fail, and catches up when the API is back', async () => {
    const s = setup('node-b');
    s.setApiUp(false);
    s.speaker.reconcile();
    await settle();
    expect([...s.placed]).toEqual([`${VIP}@eth0`]);
    expect(s.synced).toEqual([]);
    s.setApiUp(true);
    await new Promise((r) => setTimeout(r, 600)); // first retry after 500 ms
    await settle();
    expect(s.synced).toHaveLength(1);
    expect(s.events).toHaveLength(1);
  });

  it('coalesces bursts of change requests into one reconcile, and none before start', async () => {
    const s = setup('node-b');
    for (let i = 0; i < 10; i++) s.speaker.requestReconcile();
    await settle();
    expect(s.speaker.reconcileCount).toBe(0);
    s.speaker.start();
    for (let i = 0; i < 10; i++) s.speaker.requestReconcile();
    await settle();
    expect(s.speaker.reconcileCount).toBe(1);
    s.speaker.stop();
  });

  it('raises IPConflict on every Service using the IP', async () => {
    const s = setup('node-b');
    s.setCluster(snapshot([service('web', VIP), service('web2', VIP)]));
    s.speaker.reconcile();
    s.speaker.reportConflict({ ip: VIP, mac: '02:00:00:00:00:77', ifname: 'eth0' });
    await settle();
    const conflicts = s.events.filter((e) => e.includes('IPConflict'));
    expect(conflicts).toHaveLength(2);
    expect(conflicts[0]).toContain('Warning IPConflict default/web uid-web');
    expect(conflicts[0]).toContain('02:00:00:00:00:77');
  });
});
