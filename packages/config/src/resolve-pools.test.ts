import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';
import { labeled, pool } from './test-objects.test.helper.ts';

function poolNames(
  pools: Parameters<typeof buildConfiguration>[0]['pools'],
  namespaces = [labeled('default')],
) {
  const config = buildConfiguration({ pools: pools ?? [], namespaces });
  return { config, names: config.pools.map((p) => p.name) };
}

describe('pools', () => {
  it('accepts MetalLB documentation pools and hands their specs to ipam', () => {
    const { config, names } = poolNames([
      pool('first-pool', ['192.168.10.0/24', '192.168.9.1-192.168.9.5', 'fc00:f853:0ccd:e799::/124']),
      pool('expensive', ['42.176.25.64/30'], { autoAssign: false }),
    ]);
    expect(names).toEqual(['expensive', 'first-pool']);
    expect(config.problems).toEqual([]);
    expect(config.poolSpecs).toContainEqual({
      name: 'expensive',
      addresses: ['42.176.25.64/30'],
      autoAssign: false,
    });
  });

  it('leaves out only the pool with a bad address, naming the entry', () => {
    const { config, names } = poolNames([
      pool('good', ['192.0.2.0/28']),
      pool('bad', ['198.51.100.0/28', '198.51.100.40-198.51.100.30']),
    ]);
    expect(names).toEqual(['good']);
    expect(config.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: ConfigProblemCode.invalidAddress,
        object: { kind: 'IPAddressPool', name: 'bad' },
        field: 'spec.addresses[1]',
        message: expect.stringContaining('198.51.100.40-198.51.100.30'),
      }),
    ]);
  });

  it.each([
    ['no addresses', { addresses: [] }, ConfigProblemCode.noAddresses, 'spec.addresses'],
    [
      'addresses that are not a list',
      { addresses: '192.0.2.0/24' },
      ConfigProblemCode.invalidField,
      'spec.addresses',
    ],
    ['a non-string address', { addresses: [42] }, ConfigProblemCode.invalidAddress, 'spec.addresses[0]'],
    [
      'autoAssign that is not a boolean',
      { addresses: ['192.0.2.0/24'], autoAssign: 'yes' },
      ConfigProblemCode.invalidField,
      'spec.autoAssign',
    ],
    [
      'a negative priority',
      { addresses: ['192.0.2.0/24'], serviceAllocation: { priority: -1 } },
      ConfigProblemCode.invalidPriority,
      'spec.serviceAllocation.priority',
    ],
    [
      'a fractional priority',
      { addresses: ['192.0.2.0/24'], serviceAllocation: { priority: 1.5 } },
      ConfigProblemCode.invalidPriority,
      'spec.serviceAllocation.priority',
    ],
    [
      'an unknown operator',
      {
        addresses: ['192.0.2.0/24'],
        serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Maybe' }] }] },
      },
      ConfigProblemCode.invalidSelector,
      'spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].operator',
    ],
    [
      'In without values',
      {
        addresses: ['192.0.2.0/24'],
        serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] },
      },
      ConfigProblemCode.invalidSelector,
      'spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values',
    ],
    [
      'Exists with values',
      {
        addresses: ['192.0.2.0/24'],
        serviceAllocation: {
          namespaceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
        },
      },
      ConfigProblemCode.invalidSelector,
      'spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values',
    ],
    [
      'a non-string label value',
      { addresses: ['192.0.2.0/24'], serviceAllocation: { serviceSelectors: [{ matchLabels: { app: 1 } }] } },
      ConfigProblemCode.invalidSelector,
      'spec.serviceAllocation.serviceSelectors[0].matchLabels.app',
    ],
    [
      'a serviceAllocation that is not an object',
      { addresses: ['192.0.2.0/24'], serviceAllocation: 'all' },
      ConfigProblemCode.invalidField,
      'spec.serviceAllocation',
    ],
  ])('rejects a pool with %s', (_title, spec, code, field) => {
    const { config, names } = poolNames([
      { metadata: { name: 'broken' }, spec } as never,
      pool('fine', ['203.0.113.0/24']),
    ]);
    expect(names).toEqual(['fine']);
    expect(config.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code,
        field,
        object: { kind: 'IPAddressPool', name: 'broken' },
      }),
    );
    expect(config.problems.every((p) => p.object.name === 'broken')).toBe(true);
  });

  it('uses a CIDR with host bits set, with a warning', () => {
    const { config, names } = poolNames([pool('sloppy', ['192.0.2.5/24'])]);
    expect(names).toEqual(['sloppy']);
    expect(config.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: ConfigProblemCode.hostBitsSet,
        field: 'spec.addresses[0]',
      }),
    ]);
  });

  it('keeps the older of two overlapping pools and tells both', () => {
    const { config, names } = poolNames([
      pool('a-newer', ['192.0.2.128/25'], { created: '2026-02-01T00:00:00Z' }),
      pool('z-older', ['192.0.2.100-192.0.2.200'], { created: '2026-01-01T00:00:00Z' }),
    ]);
    expect(names).toEqual(['z-older']);
    expect(config.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: ConfigProblemCode.overlap,
        object: { kind: 'IPAddressPool', name: 'a-newer' },
        related: { kind: 'IPAddressPool', name: 'z-older' },
        message:
          'pool "a-newer" is not used: entry "192.0.2.128/25" overlaps entry "192.0.2.100-192.0.2.200" of the older pool "z-older"',
      }),
      expect.objectContaining({
        severity: 'warning',
        code: ConfigProblemCode.overlap,
        object: { kind: 'IPAddressPool', name: 'z-older' },
        related: { kind: 'IPAddressPool', name: 'a-newer' },
      }),
    ]);
  });

  it('settles overlaps by name when creation times are equal or missing', () => {
    expect(poolNames([pool('b', ['2001:db8::/64']), pool('a', ['2001:db8::1-2001:db8::5'])]).names).toEqual([
      'a',
    ]);
  });

  it('lets a pool that only overlaps a left-out pool be used', () => {
    const { names } = poolNames([
      pool('first', ['192.0.2.0/26'], { created: '2026-01-01T00:00:00Z' }),
      pool('second', ['192.0.2.32/27', '198.51.100.0/24'], { created: '2026-01-02T00:00:00Z' }),
      pool('third', ['198.51.100.128/25'], { created: '2026-01-03T00:00:00Z' }),
    ]);
    expect(names).toEqual(['first', 'third']);
  });

  it('rejects a pool whose own entries overlap', () => {
    const { config, names } = poolNames([pool('self', ['192.0.2.0/24', '192.0.2.10-192.0.2.12'])]);
    expect(names).toEqual([]);
    expect(config.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: ConfigProblemCode.overlap,
        message: expect.stringContaining('its entries'),
      }),
    ]);
    expect(config.problems[0]).not.toHaveProperty('related');
  });

  it('does not treat IPv4 and IPv6 entries as overlapping', () => {
    expect(poolNames([pool('v4', ['0.0.0.0/0']), pool('v6', ['::/0'])]).names).toEqual(['v4', 'v6']);
  });

  it('resolves the namespaces a pool serves', () => {
    const { config } = poolNames(
      [
        pool('tenant', ['192.0.2.0/24'], {
          serviceAllocation: {
            namespaces: ['namespace-a'],
            namespaceSelectors: [{ matchLabels: { foo: 'bar' } }],
          },
        }),
        pool('open', ['198.51.100.0/24'], { serviceAllocation: { priority: 5 } }),
      ],
      [
        labeled('namespace-b', { foo: 'bar' }),
        labeled('namespace-c', { foo: 'baz' }),
        labeled('namespace-a'),
      ],
    );
    expect(config.pools.find((p) => p.name === 'tenant')?.allowedNamespaces).toEqual([
      'namespace-a',
      'namespace-b',
    ]);
    expect(config.pools.find((p) => p.name === 'open')).not.toHaveProperty('allowedNamespaces');
  });

  it('reports objects without a name and duplicated names', () => {
    const { config, names } = poolNames([
      { metadata: {}, spec: { addresses: ['192.0.2.0/24'] } } as never,
      pool('twin', ['198.51.100.0/24'], { created: '2026-01-01T00:00:00Z' }),
      pool('twin', ['203.0.113.0/24'], { created: '2026-01-02T00:00:00Z' }),
    ]);
    expect(names).toEqual(['twin']);
    expect(config.poolSpecs[0]?.addresses).toEqual(['198.51.100.0/24']);
    expect(config.problems.map((p) => p.code)).toEqual([
      ConfigProblemCode.duplicateName,
      ConfigProblemCode.missingName,
    ]);
  });
});
