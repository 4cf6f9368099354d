// The API example of README.md, kept running.
import { buildConfiguration } from '@baremetal-lb/config';
import { describe, expect, it } from 'vitest';
import { desiredAnnouncements } from './index.ts';

describe('README example', () => {
  it('computes what node-a announces', () => {
    const nodes = new Map([['node-a', { name: 'node-a', labels: {}, networkUnavailable: false }]]);
    const { l2Advertisements } = buildConfiguration({
      pools: [{ metadata: { name: 'pool' }, spec: { addresses: ['192.0.2.0/24'] } }],
      l2Advertisements: [{ metadata: { name: 'l2' } }],
      nodes: [{ metadata: { name: 'node-a', labels: {} } }],
    });
    const desired = desiredAnnouncements(
      {
        nodes,
        advertisements: l2Advertisements,
        aliveMembers: new Set(['node-a']),
        services: [
          {
            namespace: 'default',
            name: 'web',
            labels: {},
            externalTrafficPolicy: 'Cluster',
            ingressIPs: ['192.0.2.10'],
            pool: 'pool',
            endpoints: [{ nodeName: 'node-a' }],
          },
        ],
      },
      'node-a',
    );
    expect(desired.announcements.get('192.0.2.10')).toEqual({
      ip: '192.0.2.10',
      family: 4,
      interfaces: 'all',
      services: ['default/web'],
    });
    expect(desired.services[0]?.reason).toBe('announcing');
  });
});
