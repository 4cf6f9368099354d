import type { EndpointSlice, Node, Service } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import {
  buildSpeakerState,
  type ConfigView,
  handlesService,
  nodeInternalIps,
  toNodeView,
} from './build-speaker-state.ts';

const config: ConfigView = {
  advertisements: [],
  poolOf: (ip) => (ip.startsWith('192.0.2.') || ip.startsWith('2001:db8:') ? 'pool-a' : undefined),
};

function svc(name: string, spec: NonNullable<Service['spec']>, ips: string[] = ['192.0.2.10']): Service {
  return {
    metadata: { namespace: 'default', name, labels: { app: name } },
    spec,
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
  };
}

describe('handlesService', () => {
  it('takes only LoadBalancer services of our class', () => {
    expect(handlesService(svc('a', { type: 'LoadBalancer' }), undefined)).toBe(true);
    expect(handlesService(svc('a', { type: 'ClusterIP' }), undefined)).toBe(false);
    expect(handlesService(svc('a', { type: 'LoadBalancer', loadBalancerClass: 'x' }), undefined)).toBe(false);
    expect(handlesService(svc('a', { type: 'LoadBalancer', loadBalancerClass: 'x' }), 'x')).toBe(true);
    expect(handlesService(svc('a', { type: 'LoadBalancer' }), 'x')).toBe(false);
  });
});

describe('nodes', () => {
  const node: Node = {
    metadata: { name: 'n1', labels: { zone: 'a' } },
    status: {
      conditions: [{ type: 'NetworkUnavailable', status: 'True' }],
      addresses: [
        { type: 'Hostname', address: 'n1' },
        { type: 'InternalIP', address: '192.0.2.11' },
        { type: 'InternalIP', address: '2001:db8::11' },
      ],
    },
  };
  it('reads NetworkUnavailable and labels', () => {
    expect(toNodeView(node)).toEqual({ name: 'n1', labels: { zone: 'a' }, networkUnavailable: true });
    expect(toNodeView({ metadata: { name: 'n2' } })).toEqual({
      name: 'n2',
      labels: {},
      networkUnavailable: false,
    });
  });
  it('lists InternalIPs', () => {
    expect(nodeInternalIps(node)).toEqual(['192.0.2.11', '2001:db8::11']);
  });
});

describe('buildSpeakerState', () => {
  it('joins EndpointSlices to their Service and resolves the pool', () => {
    const slice: EndpointSlice = {
      addressType: 'IPv4',
      metadata: { namespace: 'default', name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      endpoints: [
        { addresses: ['198.51.100.1'], nodeName: 'n1', conditions: { ready: false, serving: true } },
        { addresses: ['198.51.100.2'], nodeName: 'n2' },
      ],
    };
    const s = buildSpeakerState(
      {
        services: [
          svc('web', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
          svc('other', { type: 'LoadBalancer' }, ['203.0.113.1']),
          svc('mixed', { type: 'LoadBalancer' }, ['192.0.2.1', '203.0.113.1']),
          svc('internal', { type: 'ClusterIP' }),
        ],
        endpointSlices: [slice],
        nodes: [{ metadata: { name: 'n1' } }],
      },
      config,
      new Set(['n1']),
      undefined,
    );
    expect(s.services.map((x) => [x.name, x.pool])).toEqual([
      ['web', 'pool-a'],
      ['other', undefined],
      ['mixed', undefined],
    ]);
    expect(s.services[0]).toMatchObject({
      externalTrafficPolicy: 'Local',
      ingressIPs: ['192.0.2.10'],
      endpoints: [
        { nodeName: 'n1', ready: false, serving: true },
        { nodeName: 'n2', ready: undefined, serving: undefined },
      ],
    });
    expect([...s.nodes.keys()]).toEqual(['n1']);
  });
});
