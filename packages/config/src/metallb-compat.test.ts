/**
 * Audit of shared/reference/metallb-compat.md from the CR side: IPAddressPool and L2Advertisement
 * objects go through buildConfiguration into a real ipam Allocator, so each test pins what a
 * MetalLB user writing the CR would observe.
 */
import { Allocator, type ServiceRequest } from '@baremetal-lb/ipam';
import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { selectL2ForService } from './select-l2-for-service.ts';
import { advertisement, labeled, pool } from './test-objects.test.helper.ts';

function allocatorFor(...pools: Parameters<typeof pool>[]) {
  const config = buildConfiguration({ pools: pools.map((args) => pool(...args)), namespaces: [] });
  expect(config.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return { config, allocator: new Allocator(config.poolSpecs) };
}

const poolOf = (allocator: Allocator, request: ServiceRequest) => allocator.allocate(request).pool;

describe('IPAddressPool CR → allocation', () => {
  it('defaults: autoAssign true, avoidBuggyIPs false (the network address is handed out)', () => {
    const { config, allocator } = allocatorFor(['p', ['192.0.2.0/24']]);
    expect(config.poolSpecs).toEqual([{ name: 'p', addresses: ['192.0.2.0/24'] }]);
    expect(allocator.allocate({ key: 'a' }).ips).toEqual(['192.0.2.0']);
  });

  it('avoidBuggyIPs true skips .0 and .255 but not IPv6', () => {
    const { allocator } = allocatorFor([
      'p',
      ['192.0.2.255-192.0.3.0', '2001:db8::/127'],
      { avoidBuggyIPs: true },
    ]);
    expect(() => allocator.allocate({ key: 'a' })).toThrow(/no available IPs/);
    expect(allocator.allocate({ key: 'b', ipFamilies: ['IPv6'] }).ips).toEqual(['2001:db8::']);
  });

  it('ranges with spaces around "-" and CIDRs with host bits set are usable (the latter with a warning)', () => {
    const config = buildConfiguration({
      pools: [pool('p', ['192.0.2.10 - 192.0.2.10', '198.51.100.7/31'])],
      namespaces: [],
    });
    expect(config.problems.map((p) => [p.severity, p.field])).toEqual([['warning', 'spec.addresses[1]']]);
    const allocator = new Allocator(config.poolSpecs);
    expect(['a', 'b', 'c'].map((key) => allocator.allocate({ key }).ips[0])).toEqual([
      '192.0.2.10',
      '198.51.100.6',
      '198.51.100.7',
    ]);
  });

  it('IPv4 and IPv6 entries mixed in one pool give a RequireDualStack service both families', () => {
    const { allocator } = allocatorFor(['dual', ['192.0.2.0/30', '2001:db8::/126']]);
    expect(
      allocator.allocate({ key: 'a', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }).ips,
    ).toEqual(['192.0.2.0', '2001:db8::']);
  });

  it('serviceAllocation with only priority reaches ipam and serves every service before plain pools', () => {
    const { config, allocator } = allocatorFor(
      ['plain', ['198.51.100.0/30']],
      ['preferred', ['192.0.2.0/30'], { serviceAllocation: { priority: 2 } }],
    );
    expect(config.poolSpecs.find((p) => p.name === 'preferred')?.serviceAllocation).toEqual({ priority: 2 });
    expect(poolOf(allocator, { key: 'x/a', namespace: 'x', labels: { any: 'thing' } })).toBe('preferred');
  });

  it('an empty serviceAllocation {} serves everyone; a null one is no serviceAllocation at all', () => {
    const { config } = allocatorFor(
      ['empty', ['192.0.2.0/30'], { serviceAllocation: {} }],
      ['none', ['198.51.100.0/30'], { serviceAllocation: null as never }],
    );
    expect(config.poolSpecs.map((p) => [p.name, p.serviceAllocation])).toEqual([
      ['empty', {}],
      ['none', undefined],
    ]);
  });

  it('priority order from CRs: positive ascending, then 0 and unset; autoAssign false never automatic', () => {
    const { allocator } = allocatorFor(
      ['zero', ['192.0.2.0/32'], { serviceAllocation: { priority: 0, namespaces: ['ns'] } }],
      ['ten', ['192.0.2.1/32'], { serviceAllocation: { priority: 10, namespaces: ['ns'] } }],
      ['one', ['192.0.2.2/32'], { serviceAllocation: { priority: 1, namespaces: ['ns'] } }],
      ['manual', ['192.0.2.3/32'], { autoAssign: false, serviceAllocation: { priority: 1 } }],
    );
    const pools = ['a', 'b', 'c'].map((name) => poolOf(allocator, { key: `ns/${name}`, namespace: 'ns' }));
    expect(pools).toEqual(['one', 'ten', 'zero']);
    expect(() => allocator.allocate({ key: 'ns/d', namespace: 'ns' })).toThrow(/no available IPs/);
  });
});

describe('L2Advertisement CR', () => {
  it('an advertisement that names a pool and also selects it covers it once (weights not summed twice)', () => {
    const config = buildConfiguration({
      pools: [pool('gold', ['192.0.2.0/28'], { labels: { tier: 'gold' } })],
      l2Advertisements: [
        advertisement('both', {
          ipAddressPools: ['gold'],
          ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }],
          preferredNodeSelectors: [{ weight: 7, preference: { matchLabels: { zone: 'a' } } }],
        }),
      ],
      nodes: [labeled('node-a', { zone: 'a' }), labeled('node-b', { zone: 'b' })],
    });
    const plan = selectL2ForService(config.l2Advertisements, 'gold', {});
    expect(plan.get('node-a')).toEqual({ interfaces: 'all', preference: 7, advertisements: ['both'] });
    expect(plan.get('node-b')).toEqual({ interfaces: 'all', preference: 0, advertisements: ['both'] });
  });
});
