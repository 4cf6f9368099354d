import { describe, expect, it } from 'vitest';
import type { ServiceL2StatusResource } from './metallb-resources.ts';
import { planStatusSync, statusBody } from './plan-status-sync.ts';

function existing(name: string, node: string, svc: string, status?: object): ServiceL2StatusResource {
  return {
    metadata: {
      name,
      labels: {
        'metallb.io/node': node,
        'metallb.io/service-name': svc,
        'metallb.io/service-namespace': 'default',
      },
    },
    ...(status ? { status } : {}),
  };
}

const web = { serviceNamespace: 'default', serviceName: 'web', interfaces: [] };

describe('planStatusSync', () => {
  it('creates a status for a newly announced service', () => {
    expect(planStatusSync('n1', [web], [])).toEqual({ create: [web], update: [], remove: [] });
  });

  it('leaves a correct status alone and fixes a wrong one', () => {
    const good = existing('l2-a', 'n1', 'web', statusBody('n1', web));
    expect(planStatusSync('n1', [web], [good])).toEqual({ create: [], update: [], remove: [] });
    const withIfaces = { ...web, interfaces: ['eth0'] };
    expect(planStatusSync('n1', [withIfaces], [good]).update).toEqual([{ name: 'l2-a', status: withIfaces }]);
    expect(statusBody('n1', withIfaces)).toEqual({
      node: 'n1',
      serviceName: 'web',
      serviceNamespace: 'default',
      interfaces: [{ name: 'eth0' }],
    });
  });

  it('deletes stale and duplicate statuses of this node only', () => {
    const plan = planStatusSync(
      'n1',
      [web],
      [
        existing('l2-a', 'n1', 'web', statusBody('n1', web)),
        existing('l2-b', 'n1', 'web'),
        existing('l2-c', 'n1', 'gone'),
        existing('l2-d', 'n2', 'other'),
      ],
    );
    expect(plan).toEqual({ create: [], update: [], remove: ['l2-b', 'l2-c'] });
  });
});
