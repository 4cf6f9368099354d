import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';
import type { L2Advertisement } from './metallb-resources.ts';
import { advertisement, labeled, pool } from './test-objects.test.helper.ts';

const pools = [
  pool('first-pool', ['192.0.2.0/26'], { labels: { tier: 'gold' } }),
  pool('second-pool', ['198.51.100.0/26'], { labels: { tier: 'silver' } }),
  pool('broken-pool', ['not-an-address']),
];
const nodes = [
  labeled('node-c', { 'kubernetes.io/hostname': 'node-c', zone: 'b' }),
  labeled('node-a', { 'kubernetes.io/hostname': 'node-a', zone: 'a', rack: 'r1' }),
  labeled('node-b', { 'kubernetes.io/hostname': 'node-b', zone: 'a' }),
];

function resolve(...advertisements: L2Advertisement[]) {
  const config = buildConfiguration({ pools, l2Advertisements: advertisements, nodes });
  const l2Problems = config.problems.filter((p) => p.object.kind === 'L2Advertisement');
  return { config, advertisements: config.l2Advertisements, l2Problems };
}

describe('L2 advertisements', () => {
  it('covers every usable pool and node when it has no spec (MetalLB quick start)', () => {
    const { advertisements, l2Problems } = resolve(advertisement('example'));
    expect(advertisements).toEqual([
      expect.objectContaining({
        name: 'example',
        allPools: true,
        pools: ['first-pool', 'second-pool'],
        nodes: ['node-a', 'node-b', 'node-c'],
        interfaces: [],
        serviceSelectors: [],
      }),
    ]);
    expect(l2Problems).toEqual([]);
  });

  it('resolves named pools and pool selectors together', () => {
    const { advertisements } = resolve(
      advertisement('by-name', { ipAddressPools: ['first-pool'] }),
      advertisement('by-label', { ipAddressPoolSelectors: [{ matchLabels: { tier: 'silver' } }] }),
      advertisement('both', {
        ipAddressPools: ['first-pool'],
        ipAddressPoolSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver'] }] }],
      }),
    );
    expect(advertisements.map((a) => [a.name, a.allPools, a.pools])).toEqual([
      ['both', false, ['first-pool', 'second-pool']],
      ['by-label', false, ['second-pool']],
      ['by-name', false, ['first-pool']],
    ]);
  });

  it('warns about a pool that does not exist and still uses the others', () => {
    const { advertisements, l2Problems } = resolve(
      advertisement('typo', { ipAddressPools: ['frist-pool', 'first-pool'] }),
    );
    expect(advertisements[0]?.pools).toEqual(['first-pool']);
    expect(l2Problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: ConfigProblemCode.unknownPool,
        object: { kind: 'L2Advertisement', name: 'typo' },
        field: 'spec.ipAddressPools[0]',
        message: 'advertisement "typo": pool "frist-pool" does not exist',
      }),
    ]);
  });

  it('covers nothing, not everything, when every named pool is missing', () => {
    const { advertisements } = resolve(advertisement('ghost', { ipAddressPools: ['nope'] }));
    expect(advertisements[0]).toMatchObject({ allPools: false, pools: [] });
  });

  it('says so when a named pool exists but is left out', () => {
    const { advertisements, l2Problems } = resolve(
      advertisement('stale', { ipAddressPools: ['broken-pool'] }),
    );
    expect(advertisements[0]?.pools).toEqual([]);
    expect(l2Problems).toEqual([
      expect.objectContaining({ code: ConfigProblemCode.rejectedPool, severity: 'warning' }),
    ]);
  });

  it('resolves node selectors (ORed) against the given nodes', () => {
    const { advertisements } = resolve(
      advertisement('example', {
        nodeSelectors: [
          { matchLabels: { 'kubernetes.io/hostname': 'node-c' } },
          { matchLabels: { rack: 'r1' } },
        ],
      }),
    );
    expect(advertisements[0]?.nodes).toEqual(['node-a', 'node-c']);
  });

  it('sums the weights of the preferred selectors each eligible node matches', () => {
    const { advertisements } = resolve(
      advertisement('preferring', {
        nodeSelectors: [{ matchLabels: { zone: 'a' } }],
        preferredNodeSelectors: [
          { weight: 30, preference: { matchLabels: { zone: 'a' } } },
          { weight: 50, preference: { matchExpressions: [{ key: 'rack', operator: 'Exists' }] } },
        ],
      }),
    );
    expect([...(advertisements[0]?.nodePreference ?? [])]).toEqual([
      ['node-a', 80],
      ['node-b', 30],
    ]);
  });

  it.each([
    [
      'weight 0',
      { preferredNodeSelectors: [{ weight: 0, preference: {} }] },
      ConfigProblemCode.invalidWeight,
      'spec.preferredNodeSelectors[0].weight',
    ],
    [
      'weight 101',
      { preferredNodeSelectors: [{ weight: 101, preference: {} }] },
      ConfigProblemCode.invalidWeight,
      'spec.preferredNodeSelectors[0].weight',
    ],
    [
      'a fractional weight',
      { preferredNodeSelectors: [{ weight: 2.5, preference: {} }] },
      ConfigProblemCode.invalidWeight,
      'spec.preferredNodeSelectors[0].weight',
    ],
    [
      'a malformed preference',
      {
        preferredNodeSelectors: [
          { weight: 5, preference: { matchExpressions: [{ key: 'k', operator: 'Near' }] } },
        ],
      },
      ConfigProblemCode.invalidSelector,
      'spec.preferredNodeSelectors[0].preference.matchExpressions[0].operator',
    ],
    [
      'a malformed node selector',
      { nodeSelectors: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' }] }] },
      ConfigProblemCode.invalidSelector,
      'spec.nodeSelectors[0].matchExpressions[0].values',
    ],
    [
      'a malformed service selector',
      { serviceSelectors: ['app=web'] },
      ConfigProblemCode.invalidSelector,
      'spec.serviceSelectors[0]',
    ],
    [
      'a malformed pool selector',
      { ipAddressPoolSelectors: [{ matchLabels: 'tier=gold' }] },
      ConfigProblemCode.invalidSelector,
      'spec.ipAddressPoolSelectors[0].matchLabels',
    ],
    [
      'pool names that are not strings',
      { ipAddressPools: [7] },
      ConfigProblemCode.invalidField,
      'spec.ipAddressPools[0]',
    ],
    [
      'interfaces that are not a list',
      { interfaces: 'eth0' },
      ConfigProblemCode.invalidField,
      'spec.interfaces',
    ],
  ])('leaves out an advertisement with %s rather than widen it', (_title, spec, code, field) => {
    const { advertisements, l2Problems } = resolve(
      advertisement('bad', spec as never),
      advertisement('good'),
    );
    expect(advertisements.map((a) => a.name)).toEqual(['good']);
    expect(l2Problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code,
        field,
        object: { kind: 'L2Advertisement', name: 'bad' },
      }),
    );
  });

  it('warns about interface names Linux cannot have, and keeps the advertisement', () => {
    const { advertisements, l2Problems } = resolve(
      advertisement('odd', { interfaces: ['eth0', 'a-very-long-interface-name', 'bond0:1', ''] }),
    );
    expect(advertisements[0]?.interfaces).toEqual(['eth0', 'a-very-long-interface-name', 'bond0:1', '']);
    expect(l2Problems.map((p) => [p.code, p.field])).toEqual([
      [ConfigProblemCode.invalidInterface, 'spec.interfaces[1]'],
      [ConfigProblemCode.invalidInterface, 'spec.interfaces[2]'],
      [ConfigProblemCode.invalidInterface, 'spec.interfaces[3]'],
    ]);
  });

  it('resolves no nodes when none are given (the controller does not pass them)', () => {
    const config = buildConfiguration({ pools, l2Advertisements: [advertisement('example')] });
    expect(config.l2Advertisements[0]?.nodes).toEqual([]);
  });
});
