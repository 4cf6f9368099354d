/**
 * Audit of shared/reference/metallb-compat.md against the allocator: the edge cases of each rule
 * that allocator.test.ts does not already pin, one named test each.
 */
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.ts';
import { failure, ips } from './allocator-expect.test.helper.ts';
import { IpamErrorCode } from './ipam-error.ts';
import type { PoolSpec } from './pool-spec.ts';
import type { ServiceRequest } from './service-request.ts';

describe('IPAddressPool addresses', () => {
  it('a CIDR with host bits set allocates from its masked network', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.5/30'] }]);
    expect(ips(allocator, { key: 'a' })).toEqual(['192.0.2.4']);
    expect(allocator.poolOf('192.0.2.7')).toBe('p');
    expect(allocator.poolOf('192.0.2.8')).toBeUndefined();
  });

  it('a range with spaces around "-" is inclusive at both ends', () => {
    const allocator = new Allocator([{ name: 'p', addresses: [' 192.0.2.10 - 192.0.2.11 '] }]);
    expect(ips(allocator, { key: 'a' })).toEqual(['192.0.2.10']);
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.2.11']);
    expect(failure(() => allocator.allocate({ key: 'c' })).code).toBe(IpamErrorCode.noAvailableIps);
  });

  it('avoidBuggyIPs never skips IPv6 addresses ending in 0 or ff', () => {
    const allocator = new Allocator([
      { name: 'v6', addresses: ['2001:db8::ff-2001:db8::100'], avoidBuggyIPs: true },
    ]);
    const v6 = { ipFamilies: ['IPv6'] } as const;
    expect(ips(allocator, { key: 'a', ...v6 })).toEqual(['2001:db8::ff']);
    expect(ips(allocator, { key: 'b', ...v6, requestedIPs: ['2001:db8::100'] })).toEqual(['2001:db8::100']);
    expect(allocator.poolStats('v6')?.ipv6).toEqual({ total: 2n, inUse: 2, available: 0n });
  });
});

describe('serviceAllocation', () => {
  it('explicit priority 0 sorts like unset, after every positive priority', () => {
    const allocator = new Allocator([
      { name: 'zero', addresses: ['192.0.2.0/32'], serviceAllocation: { priority: 0 } },
      { name: 'unset', addresses: ['192.0.2.1/32'], serviceAllocation: {} },
      { name: 'five', addresses: ['192.0.2.2/32'], serviceAllocation: { priority: 5 } },
      { name: 'one', addresses: ['192.0.2.3/32'], serviceAllocation: { priority: 1 } },
    ]);
    const pools = ['a', 'b', 'c', 'd'].map((key) => allocator.allocate({ key }).pool);
    expect(pools.slice(0, 2)).toEqual(['one', 'five']);
    expect(new Set(pools.slice(2))).toEqual(new Set(['zero', 'unset']));
  });

  it('a serviceAllocation with only priority serves every service, whatever its namespace and labels', () => {
    const allocator = new Allocator([
      { name: 'plain', addresses: ['198.51.100.0/30'] },
      { name: 'preferred', addresses: ['192.0.2.0/30'], serviceAllocation: { priority: 3 } },
    ]);
    const anyone = { namespace: 'x', labels: { a: 'b' }, namespaceLabels: { c: 'd' } };
    expect(allocator.allocate({ key: 'x/1', ...anyone }).pool).toBe('preferred');
    expect(allocator.allocate({ key: 'y/1' }).pool).toBe('preferred');
  });

  it('a pinned pool with autoAssign false is not used automatically, only by name', () => {
    const allocator = new Allocator([
      {
        name: 'pinned',
        addresses: ['192.0.2.0/32'],
        autoAssign: false,
        serviceAllocation: { priority: 1, namespaces: ['ns'] },
      },
      { name: 'plain', addresses: ['198.51.100.0/32'] },
    ]);
    expect(allocator.allocate({ key: 'ns/a', namespace: 'ns' }).pool).toBe('plain');
    expect(allocator.allocate({ key: 'ns/b', namespace: 'ns', pool: 'pinned' }).pool).toBe('pinned');
  });

  it('namespace names OR namespace selectors, AND a service selector: each combination', () => {
    const allocator = new Allocator([
      {
        name: 'team',
        addresses: ['192.0.2.0/28'],
        serviceAllocation: {
          namespaces: ['by-name'],
          namespaceSelectors: [{ matchLabels: { team: 'x' } }],
          serviceSelectors: [{ matchLabels: { tier: 'web' } }, { matchLabels: { tier: 'api' } }],
        },
      },
      { name: 'plain', addresses: ['198.51.100.0/28'] },
    ]);
    const poolFor = (key: string, request: Omit<ServiceRequest, 'key'>) =>
      allocator.allocate({ key, ...request }).pool;
    expect(poolFor('1', { namespace: 'by-name', labels: { tier: 'api' } })).toBe('team');
    expect(poolFor('2', { namespace: 'o', namespaceLabels: { team: 'x' }, labels: { tier: 'web' } })).toBe(
      'team',
    );
    expect(poolFor('3', { namespace: 'by-name', labels: { tier: 'db' } })).toBe('plain');
    expect(poolFor('4', { namespace: 'o', namespaceLabels: { team: 'y' }, labels: { tier: 'web' } })).toBe(
      'plain',
    );
  });

  it('a requested IP in a pool that does not serve the service is refused', () => {
    const allocator = new Allocator([
      { name: 'team', addresses: ['192.0.2.0/30'], serviceAllocation: { namespaces: ['team'] } },
    ]);
    const error = failure(() =>
      allocator.allocate({ key: 'o/s', namespace: 'o', requestedIPs: ['192.0.2.1'] }),
    );
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.poolNotAllowed,
      'pool "team" does not serve service "o/s"',
    ]);
  });

  it('a service moves when its pool stops serving it (serviceAllocation added later)', () => {
    const pools: PoolSpec[] = [
      { name: 'first', addresses: ['192.0.2.0/30'] },
      { name: 'second', addresses: ['198.51.100.0/30'] },
    ];
    const allocator = new Allocator(pools);
    expect(ips(allocator, { key: 'o/s', namespace: 'o' })).toEqual(['192.0.2.0']);
    allocator.setPools([{ ...pools[0]!, serviceAllocation: { namespaces: ['team'] } }, pools[1]!]);
    expect(allocator.allocate({ key: 'o/s', namespace: 'o' })).toEqual({
      serviceKey: 'o/s',
      pool: 'second',
      ips: ['198.51.100.0'],
    });
    expect(failure(() => allocator.assign({ key: 'o/s', namespace: 'o' }, ['192.0.2.0'])).code).toBe(
      IpamErrorCode.poolNotAllowed,
    );
  });
});

describe('requested IPs and families', () => {
  const dual: PoolSpec[] = [{ name: 'both', addresses: ['192.0.2.0/30', '2001:db8::/126'] }];
  const require = { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } as const;
  const prefer = { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] } as const;

  it('a requested IP in an autoAssign false pool is given, also with that pool named', () => {
    const allocator = new Allocator([{ name: 'manual', addresses: ['192.0.2.0/30'], autoAssign: false }]);
    expect(allocator.allocate({ key: 'a', pool: 'manual', requestedIPs: ['192.0.2.2'] })).toEqual({
      serviceKey: 'a',
      pool: 'manual',
      ips: ['192.0.2.2'],
    });
  });

  it('requested IPs must cover both families of a RequireDualStack service', () => {
    const allocator = new Allocator(dual);
    const error = failure(() => allocator.allocate({ key: 'a', ...require, requestedIPs: ['192.0.2.1'] }));
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.wrongFamily,
      'service "a" (RequireDualStack) needs one IP of each of IPv4 and IPv6, got only 192.0.2.1',
    ]);
    expect(allocator.size).toBe(0);
    expect(ips(allocator, { key: 'a', ...require, requestedIPs: ['2001:db8::1', '192.0.2.1'] })).toEqual([
      '192.0.2.1',
      '2001:db8::1',
    ]);
  });

  it('requested IPs must cover both families of a dual-stack PreferDualStack service (MetalLB)', () => {
    const allocator = new Allocator(dual);
    expect(
      failure(() => allocator.allocate({ key: 'a', ...prefer, requestedIPs: ['2001:db8::1'] })).code,
    ).toBe(IpamErrorCode.wrongFamily);
    // A PreferDualStack service with one cluster family requests one IP.
    expect(
      ips(allocator, {
        key: 'a',
        ipFamilyPolicy: 'PreferDualStack',
        ipFamilies: ['IPv6'],
        requestedIPs: ['2001:db8::1'],
      }),
    ).toEqual(['2001:db8::1']);
  });

  it('restoring one IP: refused for RequireDualStack, accepted for PreferDualStack', () => {
    const allocator = new Allocator(dual);
    expect(failure(() => allocator.assign({ key: 'a', ...require }, ['192.0.2.1'])).code).toBe(
      IpamErrorCode.wrongFamily,
    );
    expect(allocator.assign({ key: 'b', ...prefer }, ['192.0.2.1']).ips).toEqual(['192.0.2.1']);
  });

  it('RequireDualStack skips a pool whose IPv6 half is full for a later pool with both', () => {
    const allocator = new Allocator([
      { name: 'full6', addresses: ['192.0.2.0/30', '2001:db8::/128'] },
      { name: 'later', addresses: ['198.51.100.0/30', '2001:db8:1::/126'] },
    ]);
    allocator.allocate({ key: 'blocker', ipFamilies: ['IPv6'] });
    expect(allocator.allocate({ key: 'a', ...require })).toEqual({
      serviceKey: 'a',
      pool: 'later',
      ips: ['198.51.100.0', '2001:db8:1::'],
    });
  });
});

describe('sharing changes', () => {
  const pools: PoolSpec[] = [{ name: 'p', addresses: ['198.51.100.7/32', '198.51.100.9/32'] }];
  const base = { sharingKey: 'k', backendKey: '' } as const;

  it('a sharing service moves when a port change collides with another service on its IP', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base, ports: [{ protocol: 'TCP', port: 80 }] });
    allocator.allocate({ key: 'b', ...base, ports: [{ protocol: 'TCP', port: 443 }] });
    expect(allocator.holdersOf('198.51.100.7')).toEqual(['a', 'b']);
    expect(ips(allocator, { key: 'b', ...base, ports: [{ protocol: 'TCP', port: 80 }] })).toEqual([
      '198.51.100.9',
    ]);
    expect(allocator.holdersOf('198.51.100.7')).toEqual(['a']);
  });

  it('a sharing service moves when its backend key no longer matches the others on its IP', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base });
    allocator.allocate({ key: 'b', ...base, ports: [{ protocol: 'UDP', port: 1 }] });
    expect(ips(allocator, { key: 'b', sharingKey: 'k', backendKey: 'Local:app=x' })).toEqual([
      '198.51.100.9',
    ]);
  });

  it('a service that drops its sharing key leaves a shared IP', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base });
    allocator.allocate({ key: 'b', ...base, ports: [{ protocol: 'UDP', port: 1 }] });
    expect(ips(allocator, { key: 'b' })).toEqual(['198.51.100.9']);
    expect(failure(() => allocator.allocate({ key: 'c' })).code).toBe(IpamErrorCode.noAvailableIps);
  });

  it('a sharing service joins its key on a later pool rather than take a free IP in an earlier one', () => {
    const allocator = new Allocator([
      { name: 'first', addresses: ['192.0.2.0/30'] },
      { name: 'second', addresses: ['198.51.100.0/30'] },
    ]);
    allocator.allocate({
      key: 'a',
      ...base,
      requestedIPs: ['198.51.100.2'],
      ports: [{ protocol: 'TCP', port: 80 }],
    });
    expect(ips(allocator, { key: 'b', ...base, ports: [{ protocol: 'TCP', port: 443 }] })).toEqual([
      '198.51.100.2',
    ]);
    // An incompatible service still takes the first free address of the first pool.
    expect(ips(allocator, { key: 'c', ...base, ports: [{ protocol: 'TCP', port: 80 }] })).toEqual([
      '192.0.2.0',
    ]);
  });

  it('sharing never overrides priority: a better pinned pool wins over a shared IP in a worse one', () => {
    const allocator = new Allocator([
      { name: 'worse', addresses: ['198.51.100.0/30'], serviceAllocation: { priority: 5 } },
      { name: 'better', addresses: ['192.0.2.0/30'], serviceAllocation: { priority: 1 } },
    ]);
    allocator.allocate({ key: 'a', ...base, requestedIPs: ['198.51.100.2'] });
    expect(allocator.allocate({ key: 'b', ...base, ports: [{ protocol: 'UDP', port: 1 }] }).pool).toBe(
      'better',
    );
  });
});
