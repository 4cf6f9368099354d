import { buildConfiguration, type L2AdvertisementSpec } from '@baremetal-lb/config';
import { Ranker, rankCandidates } from '@baremetal-lb/leader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeIp } from './canonical-ip.ts';
import { AnnounceReason, desiredAnnouncements, isServing } from './desired-announcements.ts';
import type { NodeView, ServiceView, SpeakerState } from './speaker-state.ts';
import { EXCLUDE_FROM_LB_LABEL } from './speaker-state.ts';

const runs = process.env.FUZZ === '1' ? 2_000 : 100;

function node(name: string, labels: Record<string, string> = {}, networkUnavailable = false): NodeView {
  return { name, labels, networkUnavailable };
}

function service(overrides: Partial<ServiceView> = {}): ServiceView {
  return {
    namespace: 'default',
    name: 'web',
    labels: {},
    externalTrafficPolicy: 'Cluster',
    ingressIPs: ['10.0.0.1'],
    pool: 'pool-a',
    endpoints: [{ nodeName: 'node-a' }],
    ...overrides,
  };
}

/** A raw L2Advertisement spec with test defaults; `pools` becomes spec.ipAddressPools. */
type AdvertisementInput = Omit<L2AdvertisementSpec, 'ipAddressPools'> & { name?: string; pools?: string[] };

function advertisement(input: AdvertisementInput = {}): AdvertisementInput {
  return { name: 'l2', pools: ['pool-a'], ...input };
}

const pools = [
  {
    metadata: { name: 'pool-a' },
    spec: { addresses: ['10.0.0.0/24', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32'] },
  },
  { metadata: { name: 'pool-b' }, spec: { addresses: ['203.0.113.0/24'] } },
];

type StateInput = Partial<Omit<SpeakerState, 'advertisements'>> & { advertisements?: AdvertisementInput[] };

/** A state whose advertisements are resolved by packages/config against its nodes, as the speaker does. */
function state(overrides: StateInput = {}): SpeakerState {
  const defaults = [
    node('node-a', { zone: 'x' }),
    node('node-b', { zone: 'y' }),
    node('node-c', { zone: 'x' }),
  ];
  const nodes = overrides.nodes ?? new Map(defaults.map((n) => [n.name, n]));
  const l2Advertisements = (overrides.advertisements ?? [advertisement()]).map(
    ({ name, pools: names, ...spec }) => ({
      metadata: { name: name ?? 'l2' },
      spec: { ...spec, ipAddressPools: names ?? ['pool-a'] },
    }),
  );
  const config = buildConfiguration({
    pools,
    l2Advertisements,
    nodes: [...nodes.values()].map((n) => ({ metadata: { name: n.name, labels: n.labels } })),
  });
  return {
    nodes,
    services: overrides.services ?? [service()],
    advertisements: config.l2Advertisements,
    aliveMembers: overrides.aliveMembers ?? new Set(nodes.keys()),
  };
}

function ownerOf(s: SpeakerState, me = 'node-a'): string | undefined {
  return desiredAnnouncements(s, me).services[0]?.owner;
}

describe('desiredAnnouncements', () => {
  it('elects node-b for 10.0.0.1 and 10.0.0.2 (MetalLB golden vectors)', () => {
    expect(ownerOf(state())).toBe('node-b');
    expect(ownerOf(state({ services: [service({ ingressIPs: ['10.0.0.2'] })] }))).toBe('node-b');
    const d = desiredAnnouncements(state(), 'node-b');
    expect([...d.announcements.keys()]).toEqual(['10.0.0.1']);
    expect(d.announcements.get('10.0.0.1')).toEqual({
      ip: '10.0.0.1',
      family: 4,
      interfaces: 'all',
      services: ['default/web'],
    });
    expect(desiredAnnouncements(state(), 'node-a').announcements.size).toBe(0);
    expect(desiredAnnouncements(state(), 'node-a').services[0]?.reason).toBe(AnnounceReason.notOwner);
  });

  it('drops dead members, NetworkUnavailable nodes and excluded nodes, then takes the next in rank', () => {
    // Order for 10.0.0.1 is node-b, node-a, node-c.
    expect(ownerOf(state({ aliveMembers: new Set(['node-a', 'node-c']) }))).toBe('node-a');
    const nodes = new Map(state().nodes);
    nodes.set('node-b', node('node-b', {}, true));
    expect(ownerOf(state({ nodes }))).toBe('node-a');
    nodes.set('node-a', node('node-a', { [EXCLUDE_FROM_LB_LABEL]: '' }));
    expect(ownerOf(state({ nodes }))).toBe('node-c');
    // A member without a Node object is not a candidate.
    expect(ownerOf(state({ aliveMembers: new Set(['node-z', 'node-c']) }))).toBe('node-c');
  });

  it('honours advertisement node selectors, and nobody announces when none selects a live node', () => {
    const onlyX = advertisement({ nodeSelectors: [{ matchLabels: { zone: 'x' } }] });
    expect(ownerOf(state({ advertisements: [onlyX] }))).toBe('node-a');
    const nowhere = advertisement({ nodeSelectors: [{ matchLabels: { zone: 'nowhere' } }] });
    const d = desiredAnnouncements(state({ advertisements: [nowhere] }), 'node-a');
    expect(d.services[0]).toMatchObject({ owner: undefined, reason: AnnounceReason.noMatchingAdvertisement });
    // Selected but not alive: no candidate.
    const onlyY = advertisement({ nodeSelectors: [{ matchLabels: { zone: 'y' } }] });
    const dead = desiredAnnouncements(
      state({ advertisements: [onlyY], aliveMembers: new Set(['node-a']) }),
      'node-a',
    );
    expect(dead.services[0]).toMatchObject({ owner: undefined, reason: AnnounceReason.noCandidate });
  });

  it('needs an advertisement for the pool and matching the service selectors', () => {
    const otherPool = advertisement({ pools: ['pool-b'] });
    expect(desiredAnnouncements(state({ advertisements: [otherPool] }), 'node-b').services[0]?.reason).toBe(
      AnnounceReason.noMatchingAdvertisement,
    );
    const bySelector = advertisement({ serviceSelectors: [{ matchLabels: { app: 'web' } }] });
    expect(desiredAnnouncements(state({ advertisements: [bySelector] }), 'node-b').services[0]?.reason).toBe(
      AnnounceReason.noMatchingAdvertisement,
    );
    const labelled = service({ labels: { app: 'web' } });
    expect(ownerOf(state({ advertisements: [bySelector], services: [labelled] }))).toBe('node-b');
  });

  it('puts a preferred node first by summed weights', () => {
    const preferC = advertisement({
      preferredNodeSelectors: [
        { weight: 10, preference: { matchLabels: { zone: 'x' } } },
        {
          weight: 5,
          preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Exists' }] },
        },
      ],
    });
    const nodes = new Map(state().nodes);
    nodes.set('node-c', node('node-c', { zone: 'x', 'kubernetes.io/hostname': 'node-c' }));
    expect(ownerOf(state({ advertisements: [preferC], nodes }))).toBe('node-c');
  });

  it('with externalTrafficPolicy Local announces only from a node with a serving endpoint', () => {
    const local = service({
      externalTrafficPolicy: 'Local',
      endpoints: [
        { nodeName: 'node-b', ready: false, serving: false },
        { nodeName: 'node-c', ready: false, serving: true },
      ],
    });
    expect(ownerOf(state({ services: [local] }))).toBe('node-c');
    const cluster = { ...local, externalTrafficPolicy: 'Cluster' as const };
    expect(ownerOf(state({ services: [cluster] }))).toBe('node-b');
  });

  it('announces nothing when no endpoint serves', () => {
    const none = service({ endpoints: [{ nodeName: 'node-b', ready: false }] });
    const d = desiredAnnouncements(state({ services: [none] }), 'node-b');
    expect(d.announcements.size).toBe(0);
    expect(d.services[0]?.reason).toBe(AnnounceReason.noServingEndpoint);
    expect(
      desiredAnnouncements(state({ services: [service({ endpoints: [] })] }), 'node-b').announcements.size,
    ).toBe(0);
  });

  it('reports services without ingress or pool', () => {
    const d = desiredAnnouncements(
      state({ services: [service({ name: 'a', ingressIPs: [] }), service({ name: 'b', pool: undefined })] }),
      'node-b',
    );
    expect(d.services.map((s) => s.reason)).toEqual([AnnounceReason.noIngress, AnnounceReason.noPool]);
  });

  it('announces both IPs of a dual-stack service from the node elected for the first', () => {
    const dual = service({ ingressIPs: ['192.0.2.10', '2001:DB8:0::10'] });
    const s = state({ services: [dual] });
    const owner = rankCandidates(['node-a', 'node-b', 'node-c'], '192.0.2.10')[0]!;
    const d = desiredAnnouncements(s, owner);
    expect([...d.announcements.keys()]).toEqual(['192.0.2.10', '2001:db8::10']);
    expect(d.announcements.get('2001:db8::10')?.family).toBe(6);
  });

  it('announces a shared IP from one node even when the services would elect differently', () => {
    // Different first IPs make the two services elect by different keys; the shared IP still has
    // exactly one announcing node across the cluster.
    const a = service({ name: 'a', ingressIPs: ['192.0.2.1', '2001:db8::1'] });
    const b = service({ name: 'b', ingressIPs: ['2001:db8::1'] });
    const s = state({ services: [b, a] });
    const announcers = ['node-a', 'node-b', 'node-c'].filter((n) =>
      desiredAnnouncements(s, n).announcements.has('2001:db8::1'),
    );
    expect(announcers).toHaveLength(1);
    const d = desiredAnnouncements(s, announcers[0]!);
    expect(d.announcements.get('2001:db8::1')?.services).toEqual(['default/a', 'default/b']);
  });

  it('unions the interfaces of the advertisements selecting this node; an empty list means all', () => {
    const eth0 = advertisement({ name: 'one', interfaces: ['eth0'] });
    const eth1 = advertisement({ name: 'two', interfaces: ['eth1', 'eth0'] });
    const d = desiredAnnouncements(state({ advertisements: [eth0, eth1] }), 'node-b');
    expect(d.announcements.get('10.0.0.1')?.interfaces).toEqual(['eth0', 'eth1']);
    const all = advertisement({ name: 'three' });
    const d2 = desiredAnnouncements(state({ advertisements: [eth0, all] }), 'node-b');
    expect(d2.announcements.get('10.0.0.1')?.interfaces).toBe('all');
    // An advertisement whose node selector excludes this node does not add its interfaces.
    const elsewhere = advertisement({ name: 'four', nodeSelectors: [{ matchLabels: { zone: 'x' } }] });
    const d3 = desiredAnnouncements(state({ advertisements: [eth0, elsewhere] }), 'node-b');
    expect(d3.announcements.get('10.0.0.1')?.interfaces).toEqual(['eth0']);
  });

  it('exactly one live candidate announces each IP, and it is the head of the ranking', () => {
    const names = ['n0', 'n1', 'n2', 'n3', 'n4'];
    fc.assert(
      fc.property(
        fc.subarray(names, { minLength: 1 }),
        fc.subarray(names),
        fc.integer({ min: 1, max: 254 }),
        (alive, unavailable, octet) => {
          const ip = `198.51.100.${octet}`;
          const nodes = new Map(names.map((n) => [n, node(n, {}, unavailable.includes(n))]));
          const s = state({ nodes, aliveMembers: new Set(alive), services: [service({ ingressIPs: [ip] })] });
          const announcers = names.filter((n) => desiredAnnouncements(s, n).announcements.has(ip));
          const eligible = alive.filter((n) => !unavailable.includes(n));
          expect(announcers).toEqual(eligible.length === 0 ? [] : [rankCandidates(eligible, ip)[0]]);
        },
      ),
      { numRuns: runs },
    );
  });

  it('elects the same owners with a long-lived Ranker as without, across membership changes', () => {
    const names = ['n0', 'n1', 'n2', 'n3', 'n4'];
    const ranker = new Ranker();
    fc.assert(
      fc.property(fc.subarray(names, { minLength: 1 }), fc.integer({ min: 1, max: 254 }), (alive, octet) => {
        const ip = `203.0.113.${octet}`;
        const nodes = new Map(names.map((n) => [n, node(n)]));
        const s = state({ nodes, aliveMembers: new Set(alive), services: [service({ ingressIPs: [ip] })] });
        const plain = desiredAnnouncements(s, 'n0').services.map((d) => d.owner);
        const cached = desiredAnnouncements(s, 'n0', ranker).services.map((d) => d.owner);
        expect(cached).toEqual(plain);
        expect(cached[0]).toBe(rankCandidates(alive, ip)[0]);
      }),
      { numRuns: runs },
    );
    expect(ranker.size).toBeGreaterThan(0);
  });
});

describe('isServing', () => {
  it.each([
    [{}, true],
    [{ ready: true }, true],
    [{ ready: false }, false],
    [{ ready: false, serving: true }, true],
    [{ ready: false, serving: false }, false],
  ])('%o → %s', (endpoint, want) => {
    expect(isServing(endpoint)).toBe(want);
  });
});

describe('canonicalizeIp', () => {
  it('canonicalises IPv6 and rejects junk', () => {
    expect(canonicalizeIp('2001:DB8:0:0:0:0:0:1')).toEqual({ ip: '2001:db8::1', family: 6 });
    expect(canonicalizeIp('192.0.2.1')).toEqual({ ip: '192.0.2.1', family: 4 });
    expect(canonicalizeIp('fe80::1%eth0')).toBeUndefined();
    expect(canonicalizeIp('not-an-ip')).toBeUndefined();
    expect(canonicalizeIp('192.0.2.256')).toBeUndefined();
  });
});
