import { Allocator, type PoolSpec } from '@baremetal-lb/ipam';
import type { Service } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import { decideService } from './service-decision.ts';

const pools: PoolSpec[] = [
  { name: 'default', addresses: ['192.0.2.0/30', '2001:db8::/126'] },
  { name: 'manual', addresses: ['198.51.100.10-198.51.100.12'], autoAssign: false },
];

type Overrides = {
  name?: string;
  annotations?: Record<string, string>;
  spec?: NonNullable<Service['spec']>;
  ingress?: string[];
};

function service(o: Overrides = {}): Service {
  return {
    metadata: {
      name: o.name ?? 'web',
      namespace: 'ns',
      uid: `uid-${o.name ?? 'web'}`,
      annotations: o.annotations ?? {},
    },
    spec: {
      type: 'LoadBalancer',
      clusterIPs: ['198.18.0.10'],
      ipFamilies: ['IPv4'],
      ports: [{ port: 80, protocol: 'TCP' }],
      ...o.spec,
    },
    status: { loadBalancer: { ingress: (o.ingress ?? []).map((ip) => ({ ip, ipMode: 'VIP' })) } },
  };
}

function decide(allocator: Allocator, svc: Service | undefined, key = 'ns/web', lbClass?: string) {
  return decideService(allocator, key, svc, lbClass, {}, () => undefined);
}

describe('decideService', () => {
  it('allocates the first free IP and announces it once written', () => {
    const allocator = new Allocator(pools);
    const decision = decide(allocator, service());
    expect(decision.ingress).toEqual(['192.0.2.0']);
    expect(decision.pool).toBe('default');
    expect(decision.onWritten).toEqual({
      type: 'Normal',
      reason: 'IPAllocated',
      message: 'Assigned IP ["192.0.2.0"]',
    });
    expect(decision.events).toEqual([]);
  });

  it('is idempotent: a second decision with the status written changes nothing', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    const again = decide(allocator, service({ ingress: ['192.0.2.0'] }));
    expect(again.ingress).toEqual(['192.0.2.0']);
    expect(again.onWritten).toBeUndefined();
  });

  it('restores the IP in status into an empty allocator (restart)', () => {
    const allocator = new Allocator(pools);
    const decision = decide(allocator, service({ ingress: ['192.0.2.3'] }));
    expect(decision.ingress).toEqual(['192.0.2.3']);
    expect(decision.onWritten).toBeUndefined();
    expect(allocator.ownerOf('192.0.2.3')).toBe('ns/web');
  });

  it('honours loadBalancerIPs with either prefix, the new one winning', () => {
    const allocator = new Allocator(pools);
    const old = decide(
      allocator,
      service({ annotations: { 'metallb.universe.tf/loadBalancerIPs': '198.51.100.11' } }),
    );
    expect(old.ingress).toEqual(['198.51.100.11']);
    const both = decide(
      allocator,
      service({
        name: 'b',
        annotations: {
          'metallb.universe.tf/loadBalancerIPs': '198.51.100.11',
          'metallb.io/loadBalancerIPs': '198.51.100.12',
        },
      }),
      'ns/b',
    );
    expect(both.ingress).toEqual(['198.51.100.12']);
  });

  it('honours spec.loadBalancerIP and the address-pool annotation', () => {
    const allocator = new Allocator(pools);
    expect(
      decide(
        allocator,
        service({
          spec: { type: 'LoadBalancer', clusterIPs: ['198.19.240.1'], loadBalancerIP: '192.0.2.2' },
        }),
      ).ingress,
    ).toEqual(['192.0.2.2']);
    const pooled = decide(
      allocator,
      service({ name: 'p', annotations: { 'metallb.io/address-pool': 'manual' } }),
      'ns/p',
    );
    expect(pooled.ingress).toEqual(['198.51.100.10']);
    expect(pooled.pool).toBe('manual');
  });

  it.each([
    ['a bad IP', { 'metallb.io/loadBalancerIPs': '192.0.2.300' }, 'LoadBalancerFailed'],
    ['three IPs', { 'metallb.io/loadBalancerIPs': '192.0.2.1,192.0.2.2,2001:db8::1' }, 'LoadBalancerFailed'],
    ['two IPv4s', { 'metallb.io/loadBalancerIPs': '192.0.2.1,192.0.2.2' }, 'LoadBalancerFailed'],
    ['an IP outside every pool', { 'metallb.io/loadBalancerIPs': '203.0.113.1' }, 'AllocationFailed'],
    ['an unknown pool', { 'metallb.io/address-pool': 'nope' }, 'AllocationFailed'],
  ])('%s is a Warning and the Service stays pending', (_what, annotations, reason) => {
    const allocator = new Allocator(pools);
    const decision = decide(allocator, service({ annotations }));
    expect(decision.events).toHaveLength(1);
    expect(decision.events[0]).toMatchObject({ type: 'Warning', reason });
    expect(decision.events[0]!.message).toContain('"ns/web"');
    expect(decision.ingress).toBeUndefined();
    expect(allocator.assignmentOf('ns/web')).toBeUndefined();
    // Others are unaffected.
    expect(decide(allocator, service({ name: 'ok' }), 'ns/ok').ingress).toEqual(['192.0.2.0']);
  });

  it('says that a named pool exists but is left out, and why, instead of "unknown pool"', () => {
    const allocator = new Allocator(pools);
    const whyUnusable = (pool: string) =>
      pool === 'mlb1' ? 'entry "x" overlaps entry "y" of the older pool "main"' : undefined;
    const named = (pool: string) =>
      decideService(
        allocator,
        'ns/web',
        service({ annotations: { 'metallb.io/address-pool': pool } }),
        undefined,
        {},
        whyUnusable,
      ).events[0]?.message;
    expect(named('mlb1')).toBe(
      'Failed to allocate IP for "ns/web": pool "mlb1" exists but is not usable: entry "x" overlaps entry "y" of the older pool "main"',
    );
    expect(named('nope')).toBe(
      'Failed to allocate IP for "ns/web": service "ns/web" asks for unknown pool "nope"',
    );
  });

  it('rejects the annotation and spec.loadBalancerIP together', () => {
    const allocator = new Allocator(pools);
    const decision = decide(
      allocator,
      service({
        annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1' },
        spec: { type: 'LoadBalancer', clusterIPs: ['198.19.240.1'], loadBalancerIP: '192.0.2.2' },
      }),
    );
    expect(decision.events[0]?.reason).toBe('LoadBalancerFailed');
  });

  it('keeps a working IP when a bad annotation is added later', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    const decision = decide(
      allocator,
      service({ ingress: ['192.0.2.0'], annotations: { 'metallb.io/loadBalancerIPs': 'junk' } }),
    );
    expect(decision.events[0]?.reason).toBe('LoadBalancerFailed');
    expect(decision.ingress).toBeUndefined();
    expect(allocator.assignmentOf('ns/web')?.ips).toEqual(['192.0.2.0']);
  });

  it('releases on delete and on type change, clearing status and annotation', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    const changed = decide(
      allocator,
      service({ ingress: ['192.0.2.0'], spec: { type: 'ClusterIP', clusterIPs: ['198.19.240.1'] } }),
    );
    expect(changed).toMatchObject({ ingress: [], pool: null, released: true });
    decide(allocator, service());
    expect(decide(allocator, undefined).released).toBe(true);
    expect(allocator.size).toBe(0);
  });

  it('ignores Services of another load-balancer class, and handles only its own with --lb-class', () => {
    const allocator = new Allocator(pools);
    const other = service({
      spec: { type: 'LoadBalancer', clusterIPs: ['198.19.240.1'], loadBalancerClass: 'other' },
    });
    expect(decide(allocator, other)).toMatchObject({ ingress: undefined, pool: undefined });
    expect(decide(allocator, other, 'ns/web', 'other').ingress).toEqual(['192.0.2.0']);
    expect(decide(allocator, service({ name: 'x' }), 'ns/x', 'other').ingress).toBeUndefined();
  });

  it('moves a Service whose IP the pools no longer contain, saying why', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    allocator.setPools([{ name: 'default', addresses: ['192.0.2.2/31'] }]);
    const decision = decide(allocator, service({ ingress: ['192.0.2.0'] }));
    expect(decision.events.map((e) => e.reason)).toEqual(['ClearAssignment']);
    expect(decision.ingress).toEqual(['192.0.2.2']);
    expect(decision.onWritten?.reason).toBe('IPAllocated');
  });

  it('moves to the newly requested IP', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    const decision = decide(
      allocator,
      service({ ingress: ['192.0.2.0'], annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.3' } }),
    );
    expect(decision.ingress).toEqual(['192.0.2.3']);
    expect(decision.events).toEqual([]);
    expect(allocator.ownerOf('192.0.2.0')).toBeUndefined();
  });

  it('reports exhaustion as pending and clears nothing it did not write', () => {
    const allocator = new Allocator([{ name: 'tiny', addresses: ['192.0.2.1/32'] }]);
    decide(allocator, service({ name: 'a' }), 'ns/a');
    const decision = decide(allocator, service({ name: 'b' }), 'ns/b');
    expect(decision).toMatchObject({ pending: true, ingress: undefined });
    expect(decision.events[0]?.reason).toBe('AllocationFailed');
    decide(allocator, undefined, 'ns/a');
    expect(decide(allocator, service({ name: 'b' }), 'ns/b').ingress).toEqual(['192.0.2.1']);
  });

  it('gives dual-stack Services one IP per family, primary first', () => {
    const allocator = new Allocator(pools);
    const dual = {
      type: 'LoadBalancer',
      clusterIPs: ['2001:db8:96::1', '198.19.240.1'],
      ipFamilies: ['IPv6', 'IPv4'],
    };
    const required = decide(allocator, service({ spec: { ...dual, ipFamilyPolicy: 'RequireDualStack' } }));
    expect(required.ingress).toEqual(['2001:db8::', '192.0.2.0']);
    const single = decide(
      allocator,
      service({
        name: 's',
        spec: {
          ...dual,
          ipFamilyPolicy: 'SingleStack',
          clusterIPs: ['2001:db8:96::2'],
          ipFamilies: ['IPv6'],
        },
      }),
      'ns/s',
    );
    expect(single.ingress).toEqual(['2001:db8::1']);
  });

  it('PreferDualStack falls back to one family and gains the second later', () => {
    const allocator = new Allocator([{ name: 'v4', addresses: ['192.0.2.0/30'] }]);
    const prefer = {
      type: 'LoadBalancer',
      clusterIPs: ['198.19.240.1', '2001:db8:96::1'],
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'PreferDualStack',
    };
    expect(decide(allocator, service({ spec: prefer })).ingress).toEqual(['192.0.2.0']);
    allocator.setPools([{ name: 'v4', addresses: ['192.0.2.0/30', '2001:db8::/126'] }]);
    const later = decide(allocator, service({ spec: prefer, ingress: ['192.0.2.0'] }));
    expect(later.ingress).toEqual(['192.0.2.0', '2001:db8::']);
    expect(later.onWritten?.reason).toBe('IPAllocated');
  });

  it('shares an IP between compatible Services and refuses incompatible ones', () => {
    const allocator = new Allocator([{ name: 'one', addresses: ['192.0.2.1/32'] }]);
    const shared = { 'metallb.io/allow-shared-ip': 'k' };
    decide(allocator, service({ name: 'a', annotations: shared }), 'ns/a');
    const b = decide(
      allocator,
      service({
        name: 'b',
        annotations: shared,
        spec: { type: 'LoadBalancer', clusterIPs: ['198.19.240.2'], ports: [{ port: 53, protocol: 'UDP' }] },
      }),
      'ns/b',
    );
    expect(b.ingress).toEqual(['192.0.2.1']);
    const clash = decide(allocator, service({ name: 'c', annotations: shared }), 'ns/c');
    expect(clash.events[0]?.reason).toBe('AllocationFailed');
    expect(clash.pending).toBe(true);
  });
});

describe('README example', () => {
  it('works as written', () => {
    const allocator = new Allocator([{ name: 'default', addresses: ['198.51.100.0/28'] }]);
    const decision = decideService(
      allocator,
      'apps/web',
      {
        metadata: { name: 'web', namespace: 'apps', annotations: { 'metallb.io/allow-shared-ip': 'web' } },
        spec: { type: 'LoadBalancer', clusterIPs: ['198.18.0.10'], ports: [{ port: 80, protocol: 'TCP' }] },
      },
      undefined,
      {},
      () => undefined,
    );
    expect(decision.ingress).toEqual(['198.51.100.0']);
    expect(decision.pool).toBe('default');
    expect(decision.onWritten).toEqual({
      type: 'Normal',
      reason: 'IPAllocated',
      message: 'Assigned IP ["198.51.100.0"]',
    });
  });
});

describe('metallb-compat audit: decisions', () => {
  const shared = { 'metallb.io/allow-shared-ip': 'k' };
  const udp53 = {
    type: 'LoadBalancer',
    clusterIPs: ['198.19.240.2'],
    ports: [{ port: 53, protocol: 'UDP' }],
  };

  it('IPAllocated quotes each IP like MetalLB (Go %q of the IP list)', () => {
    const allocator = new Allocator(pools);
    const dual = {
      type: 'LoadBalancer',
      clusterIPs: ['198.19.240.1', '2001:db8:96::1'],
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'RequireDualStack',
    };
    expect(decide(allocator, service({ spec: dual })).onWritten?.message).toBe(
      'Assigned IP ["192.0.2.0" "2001:db8::"]',
    );
  });

  it('a Service whose new sharing key no longer fits its shared IP is cleared and moved', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service({ name: 'a', annotations: shared }), 'ns/a');
    decide(allocator, service({ name: 'b', annotations: shared, spec: udp53 }), 'ns/b');
    expect(allocator.holdersOf('192.0.2.0')).toEqual(['ns/a', 'ns/b']);
    const moved = decide(
      allocator,
      service({
        name: 'b',
        annotations: { 'metallb.io/allow-shared-ip': 'other' },
        spec: udp53,
        ingress: ['192.0.2.0'],
      }),
      'ns/b',
    );
    expect(moved.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'ClearAssignment']]);
    expect(moved.events[0]?.message).toContain('"ns/b"');
    expect(moved.ingress).toEqual(['192.0.2.1']);
    expect(allocator.holdersOf('192.0.2.0')).toEqual(['ns/a']);
  });

  it('a Service whose new ports clash on its shared IP is cleared and moved', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service({ name: 'a', annotations: shared }), 'ns/a');
    decide(allocator, service({ name: 'b', annotations: shared, spec: udp53 }), 'ns/b');
    const clash = { ...udp53, ports: [{ port: 80, protocol: 'TCP' }] };
    const moved = decide(
      allocator,
      service({ name: 'b', annotations: shared, spec: clash, ingress: ['192.0.2.0'] }),
      'ns/b',
    );
    expect(moved.events.map((e) => e.reason)).toEqual(['ClearAssignment']);
    expect(moved.ingress).toEqual(['192.0.2.1']);
  });

  it('ClearAssignment when a pool stops serving the namespace, then a new IP from another pool', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    allocator.setPools([
      { ...pools[0]!, serviceAllocation: { namespaces: ['other'] } },
      { name: 'spare', addresses: ['203.0.113.0/30'] },
    ]);
    const decision = decide(allocator, service({ ingress: ['192.0.2.0'] }));
    expect(decision.events.map((e) => e.reason)).toEqual(['ClearAssignment']);
    expect(decision).toMatchObject({ ingress: ['203.0.113.0'], pool: 'spare' });
  });

  it('ClearAssignment when avoidBuggyIPs newly forbids the IP in status (after setPools released it)', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    expect(allocator.setPools([{ ...pools[0]!, avoidBuggyIPs: true }, pools[1]!])).toEqual(['ns/web']);
    const decision = decide(allocator, service({ ingress: ['192.0.2.0'] }));
    expect(decision.events.map((e) => e.reason)).toEqual(['ClearAssignment']);
    expect(decision.ingress).toEqual(['192.0.2.1']);
  });

  it('a RequireDualStack Service asking for one IP is an invalid request', () => {
    const allocator = new Allocator(pools);
    const decision = decide(
      allocator,
      service({
        annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1' },
        spec: {
          type: 'LoadBalancer',
          clusterIPs: ['198.19.240.1', '2001:db8:96::1'],
          ipFamilies: ['IPv4', 'IPv6'],
          ipFamilyPolicy: 'RequireDualStack',
        },
      }),
    );
    expect(decision.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'LoadBalancerFailed']]);
    expect(decision.ingress).toBeUndefined();
    expect(allocator.assignmentOf('ns/web')).toBeUndefined();
  });

  it('an IP in an autoAssign false pool asked for explicitly is given', () => {
    const allocator = new Allocator(pools);
    const decision = decide(
      allocator,
      service({ annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.12' } }),
    );
    expect(decision).toMatchObject({ ingress: ['198.51.100.12'], pool: 'manual' });
  });

  it('a loadBalancerIPs IP outside the address-pool annotation pool fails', () => {
    const allocator = new Allocator(pools);
    const decision = decide(
      allocator,
      service({
        annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1', 'metallb.io/address-pool': 'manual' },
      }),
    );
    expect(decision.events.map((e) => e.type)).toEqual(['Warning']);
    expect(decision.ingress).toBeUndefined();
  });

  it('the restore does not move an IP even when a lower one is free (restart)', () => {
    const allocator = new Allocator(pools);
    const a = decide(allocator, service({ name: 'a', ingress: ['192.0.2.2'] }), 'ns/a');
    const b = decide(allocator, service({ name: 'b' }), 'ns/b');
    expect([a.ingress, b.ingress]).toEqual([['192.0.2.2'], ['192.0.2.0']]);
  });

  it('switching to another address-pool moves the Service without a ClearAssignment', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service());
    const moved = decide(
      allocator,
      service({ annotations: { 'metallb.io/address-pool': 'manual' }, ingress: ['192.0.2.0'] }),
    );
    expect(moved).toMatchObject({ ingress: ['198.51.100.10'], pool: 'manual', events: [] });
    expect(allocator.ownerOf('192.0.2.0')).toBeUndefined();
  });
});

describe('metallb-compat audit: invalid requests keep what the Service holds', () => {
  it('after a restart, a Service with a now-invalid annotation keeps its status IP reserved', () => {
    const allocator = new Allocator(pools);
    const stale = decide(
      allocator,
      service({ name: 'a', ingress: ['192.0.2.0'], annotations: { 'metallb.io/loadBalancerIPs': 'junk' } }),
      'ns/a',
    );
    expect(stale.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'LoadBalancerFailed']]);
    expect(stale.ingress).toBeUndefined();
    expect(allocator.ownerOf('192.0.2.0')).toBe('ns/a');
    expect(decide(allocator, service({ name: 'b' }), 'ns/b').ingress).toEqual(['192.0.2.1']);
  });

  it('an invalid Service whose status IP no pool allows any more is cleared, saying both why', () => {
    const allocator = new Allocator(pools);
    const decision = decide(
      allocator,
      service({
        ingress: ['203.0.113.9'],
        annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.1' },
        spec: { type: 'LoadBalancer', clusterIPs: ['198.19.240.1'], loadBalancerIP: '192.0.2.2' },
      }),
    );
    expect(decision.events.map((e) => e.reason)).toEqual(['ClearAssignment', 'LoadBalancerFailed']);
    expect(decision).toMatchObject({ ingress: [], pool: null });
    expect(allocator.assignmentOf('ns/web')).toBeUndefined();
  });

  it('two Services claiming one unshared IP in status: the first keeps it, the second is cleared and moved', () => {
    const allocator = new Allocator(pools);
    decide(allocator, service({ name: 'a', ingress: ['192.0.2.3'] }), 'ns/a');
    const second = decide(allocator, service({ name: 'b', ingress: ['192.0.2.3'] }), 'ns/b');
    expect(second.events.map((e) => e.reason)).toEqual(['ClearAssignment']);
    expect(second.ingress).toEqual(['192.0.2.0']);
    expect(allocator.ownerOf('192.0.2.3')).toBe('ns/a');
  });
});
