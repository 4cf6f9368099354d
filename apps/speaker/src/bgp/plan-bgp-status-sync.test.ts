import type { ServiceBGPStatus } from '@baremetal-lb/config';
import { describe, expect, it } from 'vitest';
import { planBgpStatusSync } from './plan-bgp-status-sync.ts';

const existing = (name: string, node: string, service: string, peers: string[]): ServiceBGPStatus => ({
  metadata: {
    name,
    labels: {
      'metallb.io/node': node,
      'metallb.io/service-name': service,
      'metallb.io/service-namespace': 'default',
    },
  },
  status: { node, serviceName: service, serviceNamespace: 'default', peers },
});
const desired = (service: string, peers: string[]) => ({
  serviceNamespace: 'default',
  serviceName: service,
  peers,
});

describe('planBgpStatusSync', () => {
  it('creates missing, updates changed peer sets, deletes stale and duplicate objects', () => {
    const plan = planBgpStatusSync(
      'n1',
      [desired('new', ['r1']), desired('same', ['r1']), desired('moved', ['r1', 'r2'])],
      [
        existing('bgp-a', 'n1', 'same', ['r1']),
        existing('bgp-b', 'n1', 'moved', ['r1']),
        existing('bgp-c', 'n1', 'gone', ['r1']),
        existing('bgp-d', 'n1', 'same', ['r1']),
        existing('bgp-e', 'n2', 'other-node', ['r1']),
      ],
    );
    expect(plan).toEqual({
      create: [desired('new', ['r1'])],
      update: [{ name: 'bgp-b', status: desired('moved', ['r1', 'r2']) }],
      remove: ['bgp-d', 'bgp-c'],
    });
  });

  it('nothing to do when everything matches', () => {
    expect(planBgpStatusSync('n1', [desired('s', ['r1'])], [existing('bgp-a', 'n1', 's', ['r1'])])).toEqual({
      create: [],
      update: [],
      remove: [],
    });
  });

  it('nothing to do when the API server returns the status with its fields sorted by name', () => {
    const fromServer: ServiceBGPStatus = {
      ...existing('bgp-a', 'n1', 's', ['r1']),
      status: { node: 'n1', peers: ['r1'], serviceName: 's', serviceNamespace: 'default' },
    };
    expect(planBgpStatusSync('n1', [desired('s', ['r1'])], [fromServer]).update).toEqual([]);
  });
});
