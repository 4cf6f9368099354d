import { buildConfiguration } from '@baremetal-lb/config';
import { describe, expect, it } from 'vitest';
import type { NodeView, ServiceView } from '../layer2/election/speaker-state.ts';
import { aggregatePrefix } from './aggregate-prefix.ts';
import type { BgpState } from './bgp-state.ts';
import { BgpReason, desiredRoutes } from './desired-routes.ts';

const nodeLabels: Record<string, Record<string, string>> = {
  n1: { zone: 'a', 'kubernetes.io/hostname': 'n1' },
  n2: { zone: 'b', 'kubernetes.io/hostname': 'n2' },
};

type Objects = {
  peers?: object[];
  advertisements?: object[];
  communities?: object[];
  secrets?: object[];
  nodes?: Record<string, Partial<NodeView>>;
};

const ibgp = {
  metadata: { name: 'ibgp' },
  spec: { myASN: 64512, peerASN: 64512, peerAddress: '198.51.100.1' },
};
const ebgp = {
  metadata: { name: 'ebgp' },
  spec: { myASN: 64512, peerASN: 64513, peerAddress: '198.51.100.2' },
};
const adv = (name: string, spec: object = {}) => ({ metadata: { name }, spec });

function state(o: Objects, services: readonly ServiceView[]): BgpState {
  const names = Object.keys(nodeLabels);
  const config = buildConfiguration({
    pools: [
      { metadata: { name: 'v4' }, spec: { addresses: ['203.0.113.0/24'] } },
      { metadata: { name: 'v6' }, spec: { addresses: ['2001:db8:5::/64'] } },
    ],
    bgpPeers: o.peers ?? [ibgp],
    bgpAdvertisements: o.advertisements ?? [adv('all')],
    communities: o.communities ?? [],
    secrets: (o.secrets ?? []) as never,
    nodes: names.map((name) => ({ metadata: { name, labels: nodeLabels[name]! } })),
  });
  const nodes = new Map(
    names.map((name) => [
      name,
      { name, labels: nodeLabels[name]!, networkUnavailable: false, ...o.nodes?.[name] },
    ]),
  );
  return { nodes, services, peers: config.bgpPeers, advertisements: config.bgpAdvertisements };
}

const svc = (over: Partial<ServiceView> = {}): ServiceView => ({
  namespace: 'default',
  name: 'web',
  labels: { app: 'web' },
  externalTrafficPolicy: 'Cluster',
  ingressIPs: ['203.0.113.10'],
  pool: 'v4',
  endpoints: [{ nodeName: 'n2', ready: true }],
  ...over,
});

const routesOf = (s: BgpState, node = 'n1') =>
  Object.fromEntries(desiredRoutes(s, node).peers.map((p) => [p.peer.name, p.routes]));
const reasonOf = (s: BgpState, node = 'n1') => desiredRoutes(s, node).services[0]?.reason;

describe('desiredRoutes: which nodes announce', () => {
  const cases: readonly {
    readonly name: string;
    readonly objects?: Objects;
    readonly service: Partial<ServiceView>;
    readonly node?: string;
    readonly reason: BgpReason;
  }[] = [
    { name: 'Cluster policy, endpoint on another node', service: {}, reason: BgpReason.announcing },
    {
      name: 'Cluster policy, no ready or serving endpoint anywhere',
      service: { endpoints: [{ nodeName: 'n2', ready: false, serving: false }] },
      reason: BgpReason.noServingEndpoint,
    },
    {
      name: 'Cluster policy, terminating but serving endpoint counts',
      service: { endpoints: [{ nodeName: 'n2', ready: false, serving: true }] },
      reason: BgpReason.announcing,
    },
    {
      name: 'Local policy, endpoint only on another node',
      service: { externalTrafficPolicy: 'Local' },
      reason: BgpReason.noServingEndpoint,
    },
    {
      name: 'Local policy, ready endpoint here',
      service: { externalTrafficPolicy: 'Local', endpoints: [{ nodeName: 'n1', ready: true }] },
      reason: BgpReason.announcing,
    },
    {
      name: 'Local policy, endpoint conditions unset (ready unless false)',
      service: { externalTrafficPolicy: 'Local', endpoints: [{ nodeName: 'n1' }] },
      reason: BgpReason.announcing,
    },
    {
      name: 'NetworkUnavailable',
      objects: { nodes: { n1: { networkUnavailable: true } } },
      service: {},
      reason: BgpReason.nodeNotEligible,
    },
    {
      name: 'exclude-from-external-load-balancers label (any value)',
      objects: {
        nodes: { n1: { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } } },
      },
      service: {},
      reason: BgpReason.nodeNotEligible,
    },
    { name: 'no ingress IP yet', service: { ingressIPs: [] }, reason: BgpReason.noIngressIp },
    { name: 'IP in no pool', service: { pool: undefined }, reason: BgpReason.noPool },
    {
      name: 'advertisement of another pool',
      objects: { advertisements: [adv('a', { ipAddressPools: ['v6'] })] },
      service: {},
      reason: BgpReason.noMatchingAdvertisement,
    },
    {
      name: 'advertisement nodeSelectors exclude this node',
      objects: { advertisements: [adv('a', { nodeSelectors: [{ matchLabels: { zone: 'b' } }] })] },
      service: {},
      reason: BgpReason.noMatchingAdvertisement,
    },
    {
      name: 'advertisement nodeSelectors select this node',
      objects: { advertisements: [adv('a', { nodeSelectors: [{ matchLabels: { zone: 'a' } }] })] },
      service: {},
      reason: BgpReason.announcing,
    },
    {
      name: 'serviceSelectors that do not match',
      objects: { advertisements: [adv('a', { serviceSelectors: [{ matchLabels: { app: 'db' } }] })] },
      service: {},
      reason: BgpReason.noMatchingAdvertisement,
    },
    {
      name: 'serviceSelectors are ORed',
      objects: {
        advertisements: [
          adv('a', {
            serviceSelectors: [{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'web' } }],
          }),
        ],
      },
      service: {},
      reason: BgpReason.announcing,
    },
    {
      name: 'peer nodeSelectors exclude this node: no session here',
      objects: {
        peers: [{ ...ibgp, spec: { ...ibgp.spec, nodeSelectors: [{ matchLabels: { zone: 'b' } }] } }],
      },
      service: {},
      reason: BgpReason.noPeer,
    },
    {
      name: 'different localPref for one prefix toward an iBGP peer',
      objects: {
        advertisements: [
          adv('a', { localPref: 100, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
          adv('b', { localPref: 200, serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
        ],
      },
      service: {},
      reason: BgpReason.localPrefConflict,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(reasonOf(state(c.objects ?? {}, [svc(c.service)]), c.node)).toBe(c.reason);
    });
  }

  it('a withdrawn Service has no routes and no peers; an announced one names its peers', () => {
    const s = state({ peers: [ibgp, ebgp] }, [svc(), svc({ name: 'off', ingressIPs: [] })]);
    const d = desiredRoutes(s, 'n1');
    expect(d.services).toEqual([
      { namespace: 'default', name: 'web', reason: 'announcing', peers: ['ebgp', 'ibgp'] },
      { namespace: 'default', name: 'off', reason: 'noIngressIp', peers: [] },
    ]);
    expect(d.peers.map((p) => p.routes.map((r) => r.prefix))).toEqual([
      ['203.0.113.10/32'],
      ['203.0.113.10/32'],
    ]);
  });
});

describe('desiredRoutes: which prefixes with which attributes to which peer', () => {
  it('aggregationLength / V6 mask the IPs; one prefix for Services sharing it', () => {
    const s = state({ advertisements: [adv('a', { aggregationLength: 24, aggregationLengthV6: 64 })] }, [
      svc({ ingressIPs: ['203.0.113.10'] }),
      svc({ name: 'b', ingressIPs: ['203.0.113.77'] }),
      svc({ name: 'c', ingressIPs: ['2001:db8:5::7'], pool: 'v6' }),
    ]);
    expect(routesOf(s).ibgp!.map((r) => r.prefix)).toEqual(['2001:db8:5::/64', '203.0.113.0/24']);
  });

  it('localPref goes to iBGP peers only', () => {
    const s = state({ peers: [ibgp, ebgp], advertisements: [adv('a', { localPref: 150 })] }, [svc()]);
    const r = routesOf(s);
    expect(r.ibgp![0]!.localPref).toBe(150);
    expect(r.ebgp![0]!.localPref).toBeUndefined();
  });

  it('communities, large communities and Community aliases, merged over advertisements', () => {
    const s = state(
      {
        communities: [
          {
            metadata: { name: 'c' },
            spec: { communities: [{ name: 'no-advertise', value: '65535:65282' }] },
          },
        ],
        advertisements: [
          adv('a', { communities: ['64512:20', 'no-advertise'] }),
          adv('b', { communities: ['64512:3', 'large:4200000000:1:2'] }),
        ],
      },
      [svc()],
    );
    expect(routesOf(s).ibgp).toEqual([
      {
        prefix: '203.0.113.10/32',
        localPref: undefined,
        communities: ['64512:3', '64512:20', '65535:65282'],
        largeCommunities: ['4200000000:1:2'],
      },
    ]);
  });

  it('advertisement peers limit the sessions that carry the prefix', () => {
    const s = state({ peers: [ibgp, ebgp], advertisements: [adv('a', { peers: ['ebgp'] })] }, [svc()]);
    const r = routesOf(s);
    expect(r.ebgp!.map((x) => x.prefix)).toEqual(['203.0.113.10/32']);
    expect(r.ibgp).toEqual([]);
    expect(desiredRoutes(s, 'n1').services[0]!.peers).toEqual(['ebgp']);
  });

  it('a peer whose password Secret is missing is withheld, not opened', () => {
    const withSecret = { ...ebgp, spec: { ...ebgp.spec, passwordSecret: { name: 'pw' } } };
    const missing = desiredRoutes(state({ peers: [ibgp, withSecret] }, [svc()]), 'n1');
    expect(missing.peers.map((p) => p.peer.name)).toEqual(['ibgp']);
    expect(missing.withheld).toEqual([{ peer: 'ebgp', reason: expect.stringContaining('"pw"') }]);
    const secret = {
      metadata: { name: 'pw' },
      type: 'kubernetes.io/basic-auth',
      data: { password: Buffer.from('s3cret').toString('base64') },
    };
    const present = desiredRoutes(state({ peers: [ibgp, withSecret], secrets: [secret] }, [svc()]), 'n1');
    const peer = present.peers.find((p) => p.peer.name === 'ebgp')!.peer;
    expect(peer.authentication).toEqual({ kind: 'password', password: 's3cret' });
  });

  it('each node decides alone: Local policy routes come only from nodes with an endpoint', () => {
    const s = state({}, [svc({ externalTrafficPolicy: 'Local', endpoints: [{ nodeName: 'n2' }] })]);
    expect(routesOf(s, 'n1').ibgp).toEqual([]);
    expect(routesOf(s, 'n2').ibgp!.map((r) => r.prefix)).toEqual(['203.0.113.10/32']);
  });
});

describe('aggregatePrefix', () => {
  it.each([
    ['203.0.113.77', 32, 128, '203.0.113.77/32'],
    ['203.0.113.77', 24, 128, '203.0.113.0/24'],
    ['203.0.113.77', 1, 128, '128.0.0.0/1'],
    ['2001:db8:5::7', 32, 64, '2001:db8:5::/64'],
    ['2001:db8:5::7', 32, 128, '2001:db8:5::7/128'],
  ])('%s with %i / %i → %s', (ip, v4, v6, prefix) => {
    expect(aggregatePrefix(ip, v4, v6)).toBe(prefix);
  });
  it('not an IP → undefined', () => expect(aggregatePrefix('web', 32, 128)).toBeUndefined());
});
