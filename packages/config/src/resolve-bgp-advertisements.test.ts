import { describe, expect, it } from 'vitest';
import { buildConfiguration, type ConfigInput } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';
import { bgpAdvertisement, bgpPeer, community, labeled, pool } from './test-objects.test.helper.ts';

const pools = [
  pool('first-pool', ['198.51.100.10/24'], { labels: { tier: 'gold' } }),
  pool('small', ['203.0.113.0/26', '2001:db8::/120']),
  pool('range', ['203.0.113.64-203.0.113.127']),
];
const nodes = [labeled('n1', { rack: 'a' }), labeled('n2', { rack: 'b' })];
const peers = [
  bgpPeer('peer-a', { peerAddress: '198.51.100.1' }),
  bgpPeer('peer-b', { peerAddress: '198.51.100.2' }),
];

function build(input: ConfigInput) {
  const config = buildConfiguration({ pools, nodes, bgpPeers: peers, ...input });
  const problems = config.problems.filter((p) => !['BGPPeer', 'IPAddressPool'].includes(p.object.kind));
  return { config, advertisements: config.bgpAdvertisements, problems };
}

describe('BGP advertisements', () => {
  it('covers every pool, peer and node with MetalLB defaults when it has no spec', () => {
    const { advertisements, problems } = build({ bgpAdvertisements: [bgpAdvertisement('example')] });
    expect(problems).toEqual([]);
    expect(advertisements).toEqual([
      {
        name: 'example',
        aggregationLength: 32,
        aggregationLengthV6: 128,
        communities: [],
        largeCommunities: [],
        allPools: true,
        pools: ['first-pool', 'range', 'small'],
        allPeers: true,
        peers: [],
        nodeSelectors: [],
        nodes: ['n1', 'n2'],
        serviceSelectors: [],
      },
    ]);
  });

  it('reads the documentation’s local and external advertisements', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement('local', {
          ipAddressPools: ['first-pool'],
          aggregationLength: 32,
          localPref: 100,
          communities: ['65535:65282'],
        }),
        bgpAdvertisement('external', { ipAddressPools: ['first-pool'], aggregationLength: 24 }),
      ],
    });
    expect(problems).toEqual([]);
    expect(
      advertisements.map((a) => [a.name, a.pools, a.aggregationLength, a.localPref, a.communities]),
    ).toEqual([
      ['external', ['first-pool'], 24, undefined, []],
      ['local', ['first-pool'], 32, 100, ['65535:65282']],
    ]);
  });

  it('resolves community aliases, merges duplicates and sorts numerically', () => {
    const { advertisements, problems, config } = build({
      communities: [
        community('communities', { 'vpn-only': '1234:1', NO_ADVERTISE: '65535:65282', big: 'large:1:2:3' }),
      ],
      bgpAdvertisements: [
        bgpAdvertisement('a', {
          communities: [
            'NO_ADVERTISE',
            '65535:65282',
            'vpn-only',
            '999:5',
            'big',
            'large:10:0:0',
            'large:9:0:0',
          ],
        }),
      ],
    });
    expect(problems).toEqual([]);
    expect(config.communityAliases.get('vpn-only')).toEqual({ type: 'standard', value: '1234:1' });
    expect(advertisements[0]?.communities).toEqual(['999:5', '1234:1', '65535:65282']);
    expect(advertisements[0]?.largeCommunities).toEqual(['1:2:3', '9:0:0', '10:0:0']);
  });

  it('leaves out an advertisement with an unknown alias (its community may keep the route contained)', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement('typo', { communities: ['NO_ADVERTIZE'] }),
        bgpAdvertisement('fine', { communities: ['1:1'] }),
      ],
    });
    expect(advertisements.map((a) => a.name)).toEqual(['fine']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: ConfigProblemCode.unknownCommunityAlias,
        object: { kind: 'BGPAdvertisement', name: 'typo' },
        field: 'spec.communities[0]',
      }),
    ]);
  });

  it('keeps the older definition of an alias defined twice, and refuses malformed Community objects', () => {
    const { config, problems } = build({
      communities: [
        community('old', { x: '1:1' }, { created: '2026-01-01T00:00:00Z' }),
        community('new', { x: '2:2', y: '3:3' }, { created: '2026-01-02T00:00:00Z' }),
        community('broken', { z: 'no-advertise' }),
      ],
    });
    expect([...config.communityAliases]).toEqual([
      ['x', { type: 'standard', value: '1:1' }],
      ['y', { type: 'standard', value: '3:3' }],
    ]);
    expect(problems.map((p) => [p.object.name, p.severity, p.code])).toEqual([
      ['new', 'warning', ConfigProblemCode.duplicateCommunityAlias],
      ['broken', 'error', ConfigProblemCode.invalidCommunity],
    ]);
  });

  it('skips a pool its aggregation length does not fit, and announces the others', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [bgpAdvertisement('agg', { aggregationLength: 24, aggregationLengthV6: 120 })],
    });
    // first-pool is a whole /24; small is a /26 (and a /120 that fits); range is a quarter of a /24.
    expect(advertisements[0]?.pools).toEqual(['first-pool']);
    expect(problems.map((p) => [p.code, p.related?.name])).toEqual([
      [ConfigProblemCode.aggregationLength, 'range'],
      [ConfigProblemCode.aggregationLength, 'small'],
    ]);
    expect(problems[1]?.message).toMatch(/entry "203\.0\.113\.0\/26" is not made of whole \/24 blocks/);
  });

  it('accepts a range made of whole aggregate blocks', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [bgpAdvertisement('agg', { ipAddressPools: ['range'], aggregationLength: 26 })],
    });
    expect(problems).toEqual([]);
    expect(advertisements[0]?.pools).toEqual(['range']);
  });

  it('settles different localPref on one pool: the older advertisement keeps it', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement(
          'old',
          { ipAddressPools: ['first-pool', 'small'], localPref: 100 },
          { created: '2026-01-01T00:00:00Z' },
        ),
        bgpAdvertisement(
          'new',
          { ipAddressPools: ['first-pool'], localPref: 200 },
          { created: '2026-01-02T00:00:00Z' },
        ),
      ],
    });
    expect(advertisements.map((a) => [a.name, a.pools])).toEqual([
      ['new', []],
      ['old', ['first-pool', 'small']],
    ]);
    expect(problems.map((p) => [p.object.name, p.code, p.related?.name])).toEqual([
      ['new', ConfigProblemCode.localPrefConflict, 'old'],
      ['old', ConfigProblemCode.localPrefConflict, 'new'],
    ]);
    expect(problems[0]?.message).toMatch(/localPref 200 vs 100 for pool "first-pool"/);
  });

  it.each([
    ['other peers', { peers: ['peer-b'] }, { peers: ['peer-a'] }],
    [
      'other nodes',
      { nodeSelectors: [{ matchLabels: { rack: 'a' } }] },
      { nodeSelectors: [{ matchLabels: { rack: 'b' } }] },
    ],
    ['another IPv4 aggregation length (same IPv6 one, IPv4-only pool)', { aggregationLength: 24 }, {}],
    ['service selectors', { serviceSelectors: [{ matchLabels: { app: 'web' } }] }, {}],
  ])('allows different localPref on one pool for %s', (_title, first, second) => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement('one', { ipAddressPools: ['first-pool'], localPref: 100, ...first }),
        bgpAdvertisement('two', { ipAddressPools: ['first-pool'], localPref: 200, ...second }),
      ],
    });
    expect(problems).toEqual([]);
    expect(advertisements.map((a) => a.pools)).toEqual([['first-pool'], ['first-pool']]);
  });

  it('warns about unknown pools and peers and uses the rest', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement('a', { ipAddressPools: ['frist-pool', 'first-pool'], peers: ['peer-c', 'peer-a'] }),
      ],
    });
    expect(advertisements[0]).toMatchObject({ pools: ['first-pool'], allPeers: false, peers: ['peer-a'] });
    expect(problems.map((p) => [p.severity, p.code, p.field])).toEqual([
      ['warning', ConfigProblemCode.unknownBgpPool, 'spec.ipAddressPools[0]'],
      ['warning', ConfigProblemCode.unknownPeer, 'spec.peers[0]'],
    ]);
  });

  it('leaves out serviceSelectors with aggregation, and malformed fields', () => {
    const { advertisements, problems } = build({
      bgpAdvertisements: [
        bgpAdvertisement('agg', { aggregationLength: 24, serviceSelectors: [{ matchLabels: { a: 'b' } }] }),
        bgpAdvertisement('long', { aggregationLength: 33 }),
        bgpAdvertisement('community', { communities: ['65536:1'] }),
      ],
    });
    expect(advertisements).toEqual([]);
    expect(problems.map((p) => [p.object.name, p.severity, p.field])).toEqual([
      ['agg', 'error', 'spec.serviceSelectors'],
      ['community', 'error', 'spec.communities[0]'],
      ['long', 'error', 'spec.aggregationLength'],
    ]);
  });
});
