import type { Service } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import {
  backendKey,
  ingressIps,
  orderByFamilies,
  serviceFamilies,
  translateService,
} from './service-translation.ts';

function svc(spec: Service['spec'], annotations: Record<string, string> = {}): Service {
  return { metadata: { name: 'web', namespace: 'ns', annotations }, spec: { type: 'LoadBalancer', ...spec } };
}

describe('translateService', () => {
  it('builds the ipam request from the Service', () => {
    const t = translateService(
      svc(
        {
          clusterIPs: ['2001:db8:96::1', '198.19.240.1'],
          ipFamilies: ['IPv6', 'IPv4'],
          ipFamilyPolicy: 'RequireDualStack',
          ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }],
          externalTrafficPolicy: 'Local',
          selector: { b: '2', a: '1' },
        },
        { 'metallb.io/allow-shared-ip': 'dns', 'metallb.universe.tf/address-pool': 'p' },
      ),
      undefined,
      { team: 'x' },
    );
    expect(t).toEqual({
      kind: 'request',
      request: {
        key: 'ns/web',
        namespace: 'ns',
        labels: {},
        namespaceLabels: { team: 'x' },
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
        backendKey: 'Local:a=1,b=2',
        ipFamilyPolicy: 'RequireDualStack',
        ipFamilies: ['IPv6', 'IPv4'],
        sharingKey: 'dns',
        pool: 'p',
      },
    });
  });

  it('canonicalises requested IPs and rejects junk, both sources at once, odd protocols and policies', () => {
    const ok = translateService(
      svc({ clusterIP: '198.19.240.1' }, { 'metallb.io/loadBalancerIPs': ' 2001:DB8::0001 , 192.0.2.1' }),
      undefined,
      {},
    );
    expect(ok.kind === 'request' && ok.request.requestedIPs).toEqual(['2001:db8::1', '192.0.2.1']);
    const bad = [
      svc({ clusterIP: '198.19.240.1' }, { 'metallb.io/loadBalancerIPs': '192.0.2.1,' }),
      svc(
        { clusterIP: '198.19.240.1', loadBalancerIP: '192.0.2.2' },
        { 'metallb.io/loadBalancerIPs': '192.0.2.1' },
      ),
      svc({ clusterIP: '198.19.240.1', ports: [{ port: 1, protocol: 'ICMP' }] }),
      svc({ clusterIP: '198.19.240.1', ipFamilyPolicy: 'Sometimes' }),
    ];
    for (const service of bad) expect(translateService(service, undefined, {}).kind).toBe('invalid');
  });

  it('ignores other classes, releases non-LoadBalancers and Services without a cluster IP', () => {
    expect(
      translateService(svc({ clusterIP: '198.19.240.1', loadBalancerClass: 'x' }), undefined, {}).kind,
    ).toBe('ignore');
    expect(translateService(svc({ clusterIP: '198.19.240.1' }), 'x', {}).kind).toBe('ignore');
    expect(translateService(svc({ type: 'ClusterIP', clusterIP: '198.19.240.1' }), 'x', {})).toEqual({
      kind: 'release',
      reason: 'notLoadBalancer',
    });
    expect(translateService(svc({ clusterIP: 'None' }), undefined, {})).toEqual({
      kind: 'release',
      reason: 'noClusterIP',
    });
  });
});

describe('helpers', () => {
  it('serviceFamilies: declared order when it matches the cluster IPs, else their order', () => {
    expect(
      serviceFamilies(svc({ clusterIPs: ['198.19.240.1', '2001:db8:96::1'], ipFamilies: ['IPv4', 'IPv6'] })),
    ).toEqual(['IPv4', 'IPv6']);
    expect(serviceFamilies(svc({ clusterIPs: ['2001:db8:96::1'], ipFamilies: ['IPv4'] }))).toEqual(['IPv6']);
    expect(serviceFamilies(svc({ clusterIP: '198.19.240.1' }))).toEqual(['IPv4']);
    expect(serviceFamilies(svc({}))).toEqual([]);
  });

  it('backendKey: empty for Cluster, the sorted selector for Local', () => {
    expect(backendKey(svc({ selector: { a: '1' } }))).toBe('');
    expect(backendKey(svc({ externalTrafficPolicy: 'Local' }))).toBe('Local:');
  });

  it('ingressIps skips hostnames and junk; orderByFamilies puts the primary family first', () => {
    const service: Service = {
      ...svc({}),
      status: {
        loadBalancer: {
          ingress: [{ hostname: 'lb' }, { ip: 'x' }, { ip: '2001:DB8::1' }, { ip: '192.0.2.1' }],
        },
      },
    };
    expect(ingressIps(service)).toEqual(['2001:db8::1', '192.0.2.1']);
    expect(orderByFamilies(['192.0.2.1', '2001:db8::1'], ['IPv6', 'IPv4'])).toEqual([
      '2001:db8::1',
      '192.0.2.1',
    ]);
  });
});

describe('metallb-compat audit: annotations and fields', () => {
  const request = (service: Service, lbClass?: string) => {
    const t = translateService(service, lbClass, {});
    if (t.kind !== 'request') throw new Error(`expected a request, got ${t.kind}`);
    return t.request;
  };

  it('the deprecated metallb.universe.tf/ prefix loses to metallb.io/ for every annotation', () => {
    const both = request(
      svc(
        { clusterIP: '198.19.240.1' },
        {
          'metallb.universe.tf/address-pool': 'old-pool',
          'metallb.io/address-pool': 'new-pool',
          'metallb.universe.tf/allow-shared-ip': 'old-key',
          'metallb.io/allow-shared-ip': 'new-key',
          'metallb.universe.tf/loadBalancerIPs': '192.0.2.1',
          'metallb.io/loadBalancerIPs': '192.0.2.2',
        },
      ),
    );
    expect([both.pool, both.sharingKey, both.requestedIPs]).toEqual(['new-pool', 'new-key', ['192.0.2.2']]);
    const old = request(
      svc(
        { clusterIP: '198.19.240.1' },
        { 'metallb.universe.tf/address-pool': 'old-pool', 'metallb.universe.tf/allow-shared-ip': 'old-key' },
      ),
    );
    expect([old.pool, old.sharingKey]).toEqual(['old-pool', 'old-key']);
  });

  it('a present but empty metallb.io/ annotation still wins over the deprecated one (MetalLB reads presence)', () => {
    const r = request(
      svc(
        { clusterIP: '198.19.240.1' },
        { 'metallb.io/allow-shared-ip': '', 'metallb.universe.tf/allow-shared-ip': 'old-key' },
      ),
    );
    expect(r.sharingKey).toBeUndefined();
  });

  it('spec.loadBalancerIP alone is a requested IP; with an empty annotation it still counts', () => {
    expect(request(svc({ clusterIP: '198.19.240.1', loadBalancerIP: '192.0.2.9' })).requestedIPs).toEqual([
      '192.0.2.9',
    ]);
    expect(
      request(
        svc({ clusterIP: '198.19.240.1', loadBalancerIP: '192.0.2.9' }, { 'metallb.io/loadBalancerIPs': '' }),
      ).requestedIPs,
    ).toEqual(['192.0.2.9']);
  });

  it('spec.loadBalancerIP and the deprecated loadBalancerIPs annotation together are invalid too', () => {
    const t = translateService(
      svc(
        { clusterIP: '198.19.240.1', loadBalancerIP: '192.0.2.2' },
        { 'metallb.universe.tf/loadBalancerIPs': '192.0.2.1' },
      ),
      undefined,
      {},
    );
    expect(t).toMatchObject({
      kind: 'invalid',
      message: 'service can not have both the metallb.io/loadBalancerIPs annotation and spec.loadBalancerIP',
    });
  });

  it('--lb-class=X handles class X only; without the flag only classless Services are handled', () => {
    expect(request(svc({ clusterIP: '198.19.240.1', loadBalancerClass: 'x' }), 'x').key).toBe('ns/web');
    expect(translateService(svc({ clusterIP: '198.19.240.1', loadBalancerClass: 'y' }), 'x', {}).kind).toBe(
      'ignore',
    );
    expect(request(svc({ clusterIP: '198.19.240.1' })).key).toBe('ns/web');
  });

  it('a type change releases even when the Service belongs to another class', () => {
    expect(
      translateService(
        svc({ type: 'NodePort', clusterIP: '198.19.240.1', loadBalancerClass: 'y' }),
        undefined,
        {},
      ),
    ).toEqual({ kind: 'release', reason: 'notLoadBalancer' });
  });

  it('Local backend keys ignore selector order and differ by selector; Cluster ignores the selector', () => {
    const local = (selector: Record<string, string>) =>
      backendKey(svc({ externalTrafficPolicy: 'Local', selector }));
    expect(local({ a: '1', b: '2' })).toBe(local({ b: '2', a: '1' }));
    expect(local({ a: '1' })).not.toBe(local({ a: '2' }));
    expect(backendKey(svc({ externalTrafficPolicy: 'Cluster', selector: { a: '1' } }))).toBe(
      backendKey(svc({ selector: { a: '2' } })),
    );
  });
});

describe('metallb-compat audit: invalid requested IPs', () => {
  it('an invalid translation still carries the rest of the request, so current IPs can be kept', () => {
    const t = translateService(
      svc(
        { clusterIP: '198.19.240.1' },
        { 'metallb.io/loadBalancerIPs': 'junk', 'metallb.io/allow-shared-ip': 'k' },
      ),
      undefined,
      {},
    );
    expect(t.kind).toBe('invalid');
    expect(t.kind === 'invalid' && t.restore).toMatchObject({ key: 'ns/web', sharingKey: 'k' });
    expect(t.kind === 'invalid' && t.restore).not.toHaveProperty('requestedIPs');
  });
});

describe('metallb-compat audit: lb-class', () => {
  it('an empty lb-class is no lb-class: classless Services are handled, classed ones ignored', () => {
    expect(translateService(svc({ clusterIP: '198.19.240.1' }), '', {}).kind).toBe('request');
    expect(translateService(svc({ clusterIP: '198.19.240.1', loadBalancerClass: 'x' }), '', {}).kind).toBe(
      'ignore',
    );
  });
});

describe('metallb-compat audit: spec.loadBalancerIP', () => {
  it('spec.loadBalancerIP is one IP: a comma-separated list there is invalid (only the annotation takes two)', () => {
    const t = translateService(
      svc({ clusterIP: '198.19.240.1', loadBalancerIP: '192.0.2.1,2001:db8::1' }),
      undefined,
      {},
    );
    expect(t).toMatchObject({
      kind: 'invalid',
      message: 'invalid spec.loadBalancerIP "192.0.2.1,2001:db8::1"',
    });
  });
});
