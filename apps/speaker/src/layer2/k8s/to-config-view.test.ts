import { describe, expect, it } from 'vitest';
import { toConfigView } from './to-config-view.ts';

describe('toConfigView', () => {
  const pools = [
    {
      metadata: { name: 'a', labels: { tier: 'gold' } },
      spec: { addresses: ['192.0.2.0/28', '2001:db8::/124'] },
    },
    { metadata: { name: 'b' }, spec: { addresses: ['198.51.100.10 - 198.51.100.20'] } },
  ];

  it('finds the pool of an IP by CIDR or range', () => {
    const c = toConfigView(pools, [], []);
    expect(c.poolOf('192.0.2.15')).toBe('a');
    expect(c.poolOf('192.0.2.16')).toBeUndefined();
    expect(c.poolOf('2001:db8::f')).toBe('a');
    expect(c.poolOf('198.51.100.20')).toBe('b');
    expect(c.poolOf('nonsense')).toBeUndefined();
  });

  it('leaves out a pool that packages/config rejects, and only that pool', () => {
    const c = toConfigView(
      [...pools, { metadata: { name: 'bad' }, spec: { addresses: ['203.0.113.0/24', 'garbage'] } }],
      [{ metadata: { name: 'all' }, spec: {} }],
      [],
    );
    expect(c.poolOf('203.0.113.5')).toBeUndefined();
    expect(c.poolOf('192.0.2.1')).toBe('a');
    expect(c.advertisements[0]?.pools).toEqual(['a', 'b']);
  });

  it('resolves advertisement pools (empty means all, names and selectors ORed, unknown names ignored) and nodes', () => {
    const nodes = [
      { metadata: { name: 'n1', labels: { zone: 'x', fast: 'yes' } } },
      { metadata: { name: 'n2', labels: { zone: 'y' } } },
    ];
    const c = toConfigView(
      pools,
      [
        { metadata: { name: 'all' }, spec: {} },
        { metadata: { name: 'named' }, spec: { ipAddressPools: ['b', 'missing'] } },
        { metadata: { name: 'sel' }, spec: { ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }] } },
        {
          metadata: { name: 'full' },
          spec: {
            ipAddressPools: ['a'],
            interfaces: ['eth0'],
            nodeSelectors: [{ matchLabels: { zone: 'x' } }],
            preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { fast: 'yes' } } }],
          },
        },
      ],
      nodes,
    );
    expect(new Map(c.advertisements.map((a) => [a.name, a.pools]))).toEqual(
      new Map([
        ['all', ['a', 'b']],
        ['named', ['b']],
        ['sel', ['a']],
        ['full', ['a']],
      ]),
    );
    expect(c.advertisements.find((a) => a.name === 'full')).toMatchObject({
      interfaces: ['eth0'],
      nodeSelectors: [{ matchLabels: { zone: 'x' } }],
      preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { fast: 'yes' } } }],
      nodes: ['n1'],
    });
    expect(c.advertisements.find((a) => a.name === 'full')?.nodePreference.get('n1')).toBe(50);
  });
});
