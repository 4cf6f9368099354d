import { describe, expect, it } from 'vitest';
import { toConfigView } from './to-config-view.ts';

describe('toConfigView', () => {
  const pools = [
    {
      metadata: { name: 'a', labels: { tier: 'gold' } },
      spec: { addresses: ['192.0.2.0/28', '2001:db8::/124'] },
    },
    { metadata: { name: 'b' }, spec: { addresses: ['198.51.100.10 - 198.51.100.20', 'garbage'] } },
  ];

  it('finds the pool of an IP by CIDR or range', () => {
    const c = toConfigView(pools, []);
    expect(c.poolOf('192.0.2.15')).toBe('a');
    expect(c.poolOf('192.0.2.16')).toBeUndefined();
    expect(c.poolOf('2001:db8::f')).toBe('a');
    expect(c.poolOf('198.51.100.20')).toBe('b');
    expect(c.poolOf('nonsense')).toBeUndefined();
  });

  it('resolves advertisement pools: empty means all, names and selectors are ORed, unknown names ignored', () => {
    const c = toConfigView(pools, [
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
    ]);
    expect(c.advertisements.map((a) => [a.name, a.pools])).toEqual([
      ['all', ['a', 'b']],
      ['named', ['b']],
      ['sel', ['a']],
      ['full', ['a']],
    ]);
    expect(c.advertisements[3]).toMatchObject({
      interfaces: ['eth0'],
      nodeSelectors: [{ matchLabels: { zone: 'x' } }],
      preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { fast: 'yes' } } }],
    });
  });
});
