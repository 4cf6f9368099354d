import type { KubeObject } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import { orphanStatuses } from './orphan-status-sweep.ts';

const NOW = Date.parse('2026-12-05T05:00:00Z');
const status = (name: string, node: string, service: string, ageS = 600): KubeObject => ({
  metadata: {
    name,
    creationTimestamp: new Date(NOW - ageS * 1000).toISOString(),
    labels: {
      'metallb.io/node': node,
      'metallb.io/service-name': service,
      'metallb.io/service-namespace': 'default',
    },
  },
});
const exists = {
  service: (namespace: string, name: string) => namespace === 'default' && name === 'web',
  node: (name: string) => name === 'n1',
};

describe('orphanStatuses', () => {
  it('picks the objects of Services and Nodes that are gone, old enough, with all three labels', () => {
    const objects = [
      status('kept', 'n1', 'web'),
      status('service-gone', 'n1', 'deleted'),
      status('node-gone', 'n9', 'web'),
      status('too-young', 'n9', 'deleted', 30),
      { metadata: { name: 'unlabelled', creationTimestamp: new Date(NOW - 600_000).toISOString() } },
      { metadata: { name: 'no-timestamp', labels: status('x', 'n9', 'web').metadata.labels ?? {} } },
    ];
    expect(orphanStatuses(objects, exists, NOW, 60_000)).toEqual(['service-gone', 'node-gone']);
  });
});
