/** One named test per MetalLB allocation rule (see shared/reference/metallb-compat.md). */
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.ts';
import { failure, ips } from './allocator-expect.test.helper.ts';
import { IpamError, IpamErrorCode } from './ipam-error.ts';
import type { PoolSpec } from './pool-spec.ts';
import { INT64_MAX } from './pool-stats.ts';
import type { ServiceRequest } from './service-request.ts';

describe('pools and automatic allocation', () => {
  it('hands out the lowest free address, CIDR network and broadcast included', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/31'] }]);
    expect(ips(allocator, { key: 'a' })).toEqual(['192.0.2.0']);
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.2.1']);
    expect(failure(() => allocator.allocate({ key: 'c' })).code).toBe(IpamErrorCode.noAvailableIps);
  });

  it('is idempotent: a service that holds a valid IP keeps it', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    allocator.allocate({ key: 'a' });
    allocator.allocate({ key: 'b' });
    allocator.release('a');
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.2.1']);
  });

  it('release restores availability', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.7/32'] }]);
    allocator.allocate({ key: 'a' });
    expect(allocator.release('a')).toBe(true);
    expect(allocator.release('a')).toBe(false);
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.2.7']);
  });

  it('priority order: lower positive priority first, 0/unset after all positive', () => {
    const allocator = new Allocator([
      { name: 'unset', addresses: ['192.0.2.0/32'], serviceAllocation: { namespaces: ['ns'] } },
      { name: 'second', addresses: ['192.0.2.1/32'], serviceAllocation: { priority: 20 } },
      { name: 'first', addresses: ['192.0.2.2/32'], serviceAllocation: { priority: 10 } },
      { name: 'plain', addresses: ['192.0.2.3/32'] },
    ]);
    const pools = ['a', 'b', 'c', 'd'].map((key) => allocator.allocate({ key, namespace: 'ns' }).pool);
    expect(pools).toEqual(['first', 'second', 'unset', 'plain']);
  });

  it('pools with serviceAllocation serve only matching services and are never a fallback for others', () => {
    const allocator = new Allocator([
      {
        name: 'team',
        addresses: ['192.0.2.0/30'],
        serviceAllocation: {
          namespaces: ['team-a'],
          namespaceSelectors: [{ matchLabels: { team: 'b' } }],
          serviceSelectors: [{ matchLabels: { expose: 'yes' } }],
        },
      },
    ]);
    const yes = { expose: 'yes' };
    expect(allocator.allocate({ key: 'a/1', namespace: 'team-a', labels: yes }).pool).toBe('team');
    expect(
      allocator.allocate({ key: 'x/1', namespace: 'x', namespaceLabels: { team: 'b' }, labels: yes }).pool,
    ).toBe('team');
    expect(failure(() => allocator.allocate({ key: 'a/2', namespace: 'team-a' })).code).toBe(
      IpamErrorCode.noAvailableIps,
    );
    expect(failure(() => allocator.allocate({ key: 'y/1', namespace: 'y', labels: yes })).code).toBe(
      IpamErrorCode.noAvailableIps,
    );
    expect(failure(() => allocator.allocate({ key: 'y/1', namespace: 'y', pool: 'team' })).message).toBe(
      'pool "team" does not serve service "y/1"',
    );
  });

  it('falls back to plain pools when the matching pinned pools are full', () => {
    const allocator = new Allocator([
      { name: 'pinned', addresses: ['192.0.2.0/32'], serviceAllocation: { priority: 1 } },
      { name: 'plain', addresses: ['198.51.100.0/32'] },
    ]);
    expect(allocator.allocate({ key: 'a' }).pool).toBe('pinned');
    expect(allocator.allocate({ key: 'b' }).pool).toBe('plain');
  });

  it('autoAssign false: never used automatically, but usable by name or by requested IP', () => {
    const allocator = new Allocator([{ name: 'manual', addresses: ['192.0.2.0/30'], autoAssign: false }]);
    expect(failure(() => allocator.allocate({ key: 'a' })).code).toBe(IpamErrorCode.noAvailableIps);
    expect(allocator.allocate({ key: 'a', pool: 'manual' }).ips).toEqual(['192.0.2.0']);
    expect(allocator.allocate({ key: 'b', requestedIPs: ['192.0.2.3'] }).ips).toEqual(['192.0.2.3']);
  });

  it('an unknown named pool is an error', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    expect(failure(() => allocator.allocate({ key: 'a', pool: 'nope' })).message).toBe(
      'service "a" asks for unknown pool "nope"',
    );
  });

  it('avoidBuggyIPs skips .0 and .255, rejects them on request, and leaves them out of the totals', () => {
    const allocator = new Allocator([
      { name: 'p', addresses: ['192.0.2.254-192.0.3.1'], avoidBuggyIPs: true },
    ]);
    expect(ips(allocator, { key: 'a' })).toEqual(['192.0.2.254']);
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.3.1']);
    expect(failure(() => allocator.allocate({ key: 'c' })).code).toBe(IpamErrorCode.noAvailableIps);
    const avoided = failure(() => allocator.allocate({ key: 'c', requestedIPs: ['192.0.2.255'] }));
    expect(avoided.code).toBe(IpamErrorCode.ipNotInPool);
    expect(avoided.message).toBe('192.0.2.255 is avoided by pool "p" (avoidBuggyIPs)');
    expect(allocator.poolStats('p')?.ipv4).toEqual({ total: 2n, inUse: 2, available: 0n });
  });

  it('statistics saturate at 2^63-1 for huge IPv6 pools and count a shared IP once', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30', '2001:db8::/56'] }]);
    const shared = { sharingKey: 'k', ports: [] };
    allocator.allocate({ key: 'a', ...shared, ports: [{ protocol: 'TCP', port: 1 }] });
    allocator.allocate({ key: 'b', ...shared, ports: [{ protocol: 'TCP', port: 2 }] });
    allocator.allocate({ key: 'c', ipFamilies: ['IPv6'] });
    expect(allocator.poolStats('p')).toEqual({
      pool: 'p',
      ipv4: { total: 4n, inUse: 1, available: 3n },
      ipv6: { total: INT64_MAX, inUse: 1, available: INT64_MAX },
    });
  });

  it('allocates from an IPv6 /64 without enumerating it', () => {
    const allocator = new Allocator([{ name: 'v6', addresses: ['2001:db8:1::/64'] }]);
    expect(ips(allocator, { key: 'a', ipFamilies: ['IPv6'] })).toEqual(['2001:db8:1::']);
    expect(
      ips(allocator, { key: 'b', ipFamilies: ['IPv6'], requestedIPs: ['2001:db8:1::ffff:ffff:ffff:ffff'] }),
    ).toEqual(['2001:db8:1:0:ffff:ffff:ffff:ffff']);
    expect(ips(allocator, { key: 'c', ipFamilies: ['IPv6'] })).toEqual(['2001:db8:1::1']);
  });
});

describe('sharing', () => {
  const pools: PoolSpec[] = [{ name: 'p', addresses: ['198.51.100.7/32', '198.51.100.9/32'] }];
  const base = { sharingKey: 'k', backendKey: 'cluster' } as const;
  const tcp80 = [{ protocol: 'TCP', port: 80 }] as const;

  it('accepts the same key, same backend key and distinct ports, preferring the shared IP', () => {
    const allocator = new Allocator(pools);
    expect(ips(allocator, { key: 'a', ...base, ports: tcp80 })).toEqual(['198.51.100.7']);
    allocator.release('a');
    allocator.allocate({ key: 'x' });
    expect(ips(allocator, { key: 'a', ...base, ports: tcp80 })).toEqual(['198.51.100.9']);
    expect(ips(allocator, { key: 'b', ...base, ports: [{ protocol: 'TCP', port: 443 }] })).toEqual([
      '198.51.100.9',
    ]);
    expect(allocator.holdersOf('198.51.100.9')).toEqual(['a', 'b']);
  });

  it('accepts TCP/53 and UDP/53 on one IP', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'tcp', ...base, ports: [{ protocol: 'TCP', port: 53 }] });
    expect(ips(allocator, { key: 'udp', ...base, ports: [{ protocol: 'UDP', port: 53 }] })).toEqual([
      '198.51.100.7',
    ]);
  });

  it.each([
    [
      'a different sharing key',
      { sharingKey: 'other', backendKey: 'cluster' },
      IpamErrorCode.sharingConflict,
      'sharing key "other" does not match key "k" already on 198.51.100.7',
    ],
    [
      'a different backend key',
      { sharingKey: 'k', backendKey: 'local:app=web' },
      IpamErrorCode.sharingConflict,
      'backend key "local:app=web" does not match backend key "cluster" already on 198.51.100.7',
    ],
    [
      'no sharing key on the new service',
      { backendKey: 'cluster' },
      IpamErrorCode.sharingConflict,
      'service "b" does not allow sharing, and 198.51.100.7 is held by "a"',
    ],
    [
      'a repeated protocol and port',
      { ...base, ports: tcp80 },
      IpamErrorCode.portConflict,
      'port TCP/80 is already used on 198.51.100.7 by "a"',
    ],
  ])('rejects %s with its message', (_, request, code, message) => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base, ports: tcp80 });
    const error = failure(() => allocator.allocate({ key: 'b', requestedIPs: ['198.51.100.7'], ...request }));
    expect([error.code, error.message]).toEqual([code, message]);
    expect(error.details).toMatchObject({ serviceKey: 'b', ip: '198.51.100.7', holders: ['a'] });
  });

  it('rejects joining an IP whose holder does not allow sharing', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a' });
    const error = failure(() => allocator.allocate({ key: 'b', ...base, requestedIPs: ['198.51.100.7'] }));
    expect(error.message).toBe('198.51.100.7 is held by "a", which does not allow sharing');
  });

  it('automatic allocation skips incompatible shared IPs', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base, ports: tcp80 });
    expect(ips(allocator, { key: 'b', ...base, ports: tcp80 })).toEqual(['198.51.100.9']);
  });

  it('a service alone on its IP may change its sharing key in place', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base });
    expect(ips(allocator, { key: 'a', sharingKey: 'new' })).toEqual(['198.51.100.7']);
    expect(ips(allocator, { key: 'b', sharingKey: 'new' })).toEqual(['198.51.100.7']);
  });

  it('a sharing service moves when its keys no longer fit the others on its IP', () => {
    const allocator = new Allocator(pools);
    allocator.allocate({ key: 'a', ...base });
    allocator.allocate({ key: 'b', ...base });
    expect(ips(allocator, { key: 'b', sharingKey: 'other' })).toEqual(['198.51.100.9']);
    expect(allocator.holdersOf('198.51.100.7')).toEqual(['a']);
  });
});

describe('IP families', () => {
  const dual: PoolSpec[] = [
    { name: 'v4only', addresses: ['192.0.2.0/30'] },
    { name: 'v6only', addresses: ['2001:db8::/126'] },
    { name: 'both', addresses: ['198.51.100.0/30', '2001:db8:1::/126'] },
  ];

  it('SingleStack gets one IP of the primary family', () => {
    const allocator = new Allocator(dual);
    expect(allocator.allocate({ key: 'a', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] })).toEqual({
      serviceKey: 'a',
      pool: 'v6only',
      ips: ['2001:db8::'],
    });
    expect(ips(allocator, { key: 'b' })).toEqual(['192.0.2.0']);
  });

  it('RequireDualStack takes one IP per family from one pool that has both, IPv4 listed first', () => {
    const allocator = new Allocator(dual);
    expect(
      allocator.allocate({ key: 'a', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }),
    ).toEqual({ serviceKey: 'a', pool: 'both', ips: ['198.51.100.0', '2001:db8:1::'] });
  });

  it('RequireDualStack fails when no single pool has both families free', () => {
    const allocator = new Allocator(dual.slice(0, 2));
    const error = failure(() =>
      allocator.allocate({ key: 'a', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] }),
    );
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.noAvailableIps,
      'no available IPs for service "a" (IPv4, IPv6)',
    ]);
  });

  it('PreferDualStack takes both when a pool can, else the primary family, else the secondary', () => {
    const prefer = { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] } as const;
    expect(new Allocator(dual).allocate({ key: 'a', ...prefer }).pool).toBe('both');
    expect(new Allocator(dual.slice(0, 2)).allocate({ key: 'a', ...prefer })).toEqual({
      serviceKey: 'a',
      pool: 'v6only',
      ips: ['2001:db8::'],
    });
    expect(new Allocator(dual.slice(0, 1)).allocate({ key: 'a', ...prefer }).ips).toEqual(['192.0.2.0']);
  });

  it('a PreferDualStack service holding one IP gains the second family later when its pool can', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['198.51.100.0/32', '2001:db8::/127'] }]);
    allocator.allocate({ key: 'blocker', ipFamilies: ['IPv6'] });
    allocator.allocate({ key: 'blocker2', ipFamilies: ['IPv6'] });
    const prefer = { key: 'a', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] } as const;
    expect(ips(allocator, prefer)).toEqual(['198.51.100.0']);
    allocator.release('blocker2');
    expect(ips(allocator, prefer)).toEqual(['198.51.100.0', '2001:db8::1']);
  });

  const dualStack = { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } as const;
  it.each([
    [
      'a requested IP of the wrong family',
      { requestedIPs: ['2001:db8::1'] },
      IpamErrorCode.wrongFamily,
      '2001:db8::1 is IPv6, but service "a" is IPv4',
    ],
    [
      'two requested IPs of the same family',
      { ...dualStack, requestedIPs: ['192.0.2.1', '192.0.2.2'] },
      IpamErrorCode.badIpCount,
      'service "a": requested IPs "192.0.2.1" and "192.0.2.2" are of the same family',
    ],
    [
      'requested IPs of two families in different pools',
      { ...dualStack, requestedIPs: ['192.0.2.1', '2001:db8:1::1'] },
      IpamErrorCode.ipsInDifferentPools,
      'IPs of service "a" are in different pools "v4only" and "both"',
    ],
  ])('rejects %s', (_, request, code, message) => {
    const error = failure(() => new Allocator(dual).allocate({ key: 'a', ...request }));
    expect([error.code, error.message]).toEqual([code, message]);
  });
});

describe('requested IPs and restore', () => {
  const pools: PoolSpec[] = [
    { name: 'a', addresses: ['192.0.2.0/30'] },
    { name: 'b', addresses: ['198.51.100.0/30'] },
  ];

  it('a requested IP outside every pool is rejected', () => {
    const error = failure(() => new Allocator(pools).allocate({ key: 's', requestedIPs: ['203.0.113.5'] }));
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.ipNotInPool,
      '203.0.113.5 is not in any pool',
    ]);
  });

  it('a requested IP must lie in the named pool', () => {
    const error = failure(() =>
      new Allocator(pools).allocate({ key: 's', pool: 'b', requestedIPs: ['192.0.2.1'] }),
    );
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.ipNotInRequestedPool,
      '192.0.2.1 is in pool "a", not in pool "b" that service "s" asks for',
    ]);
  });

  it('an invalid requested IP is a typed error', () => {
    const error = failure(() => new Allocator(pools).allocate({ key: 's', requestedIPs: ['192.0.2.300'] }));
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.invalidAddress,
      'service "s": requested IP "192.0.2.300" is not an IP address',
    ]);
  });

  it('assign restores an existing IP with the same checks, and moves a service between IPs', () => {
    const allocator = new Allocator(pools);
    expect(allocator.assign({ key: 's' }, ['192.0.2.2']).ips).toEqual(['192.0.2.2']);
    expect(ips(allocator, { key: 't' })).toEqual(['192.0.2.0']);
    expect(failure(() => allocator.assign({ key: 'u' }, ['192.0.2.2'])).code).toBe(
      IpamErrorCode.sharingConflict,
    );
    expect(allocator.assign({ key: 's' }, ['198.51.100.3'])).toEqual({
      serviceKey: 's',
      pool: 'b',
      ips: ['198.51.100.3'],
    });
    expect(allocator.holdersOf('192.0.2.2')).toEqual([]);
  });
});

describe('setPools and failed calls', () => {
  it('returns (and releases) the services whose IPs no pool permits any more', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    for (const key of ['a', 'b', 'c']) allocator.allocate({ key });
    expect(allocator.setPools([{ name: 'q', addresses: ['192.0.2.0-192.0.2.0', '192.0.2.2/32'] }])).toEqual([
      'b',
    ]);
    expect(allocator.assignmentOf('a')).toEqual({ serviceKey: 'a', pool: 'q', ips: ['192.0.2.0'] });
    expect(allocator.assignmentOf('b')).toBeUndefined();
    expect(allocator.poolStats('q')?.ipv4).toEqual({ total: 2n, inUse: 2, available: 0n });
    expect(failure(() => allocator.allocate({ key: 'b' })).code).toBe(IpamErrorCode.noAvailableIps);
  });

  it('releases IPs that avoidBuggyIPs newly forbids', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    allocator.allocate({ key: 'a' });
    allocator.allocate({ key: 'b' });
    expect(allocator.setPools([{ name: 'p', addresses: ['192.0.2.0/30'], avoidBuggyIPs: true }])).toEqual([
      'a',
    ]);
  });

  it('rejects overlapping pools, naming both entries and both pools, and changes nothing', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    allocator.allocate({ key: 'a' });
    const error = failure(() =>
      allocator.setPools([
        { name: 'x', addresses: ['198.51.100.0/24'] },
        { name: 'y', addresses: ['198.51.100.128/25'] },
      ]),
    );
    expect([error.code, error.message]).toEqual([
      IpamErrorCode.poolOverlap,
      'address entries "198.51.100.0/24" and "198.51.100.128/25" overlap in pools "x" and "y"',
    ]);
    expect(allocator.pools().map((p) => p.name)).toEqual(['p']);
    expect(allocator.assignmentOf('a')?.ips).toEqual(['192.0.2.0']);
  });

  it('rejects a bad pool entry and duplicate names', () => {
    const allocator = new Allocator();
    expect(failure(() => allocator.setPools([{ name: 'p', addresses: ['bad'] }])).code).toBe(
      IpamErrorCode.invalidPool,
    );
    const twice = { name: 'p', addresses: ['192.0.2.0/30'] };
    expect(
      failure(() => allocator.setPools([twice, { ...twice, addresses: ['198.51.100.0/30'] }])).message,
    ).toBe('pool name "p" is used twice');
  });

  it('a failed reallocation leaves the old assignment in place', () => {
    const allocator = new Allocator([
      { name: 'v4', addresses: ['192.0.2.0/32'] },
      { name: 'other', addresses: ['198.51.100.0/32'], autoAssign: false },
    ]);
    allocator.allocate({ key: 'a' });
    expect(failure(() => allocator.allocate({ key: 'a', ipFamilies: ['IPv6'] })).code).toBe(
      IpamErrorCode.noAvailableIps,
    );
    expect(allocator.assignmentOf('a')?.ips).toEqual(['192.0.2.0']);
    expect(allocator.poolStats('v4')?.ipv4.inUse).toBe(1);
  });

  it('bad input gets a typed error, never a crash', () => {
    const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30'] }]);
    const bad = [
      null,
      {},
      { key: '' },
      { key: 'a', ipFamilyPolicy: 'Sometimes' },
      { key: 'a', ipFamilies: ['IPv4', 'IPv4'] },
      { key: 'a', ports: [{ protocol: 'ICMP', port: 1 }] },
      { key: 'a', ports: [{ protocol: 'TCP', port: 70000 }] },
      { key: 'a', requestedIPs: 'x' },
      { key: 'a', requestedIPs: ['192.0.2.0', '192.0.2.1', '192.0.2.2'] },
    ];
    for (const request of bad) {
      expect(failure(() => allocator.allocate(request as unknown as ServiceRequest))).toBeInstanceOf(
        IpamError,
      );
    }
    expect(allocator.size).toBe(0);
  });
});
