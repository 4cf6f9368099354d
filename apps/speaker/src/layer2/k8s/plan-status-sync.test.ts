import { describe, expect, it } from 'vitest';
import type { ServiceL2StatusResource } from '../../k8s/metallb-resources.ts';
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

  it('removes the statuses that dead nodes left for a Service this node now announces', () => {
    const plan = planStatusSync(
      'n1',
      [web],
      [
        existing('l2-dead', 'n3', 'web'),
        existing('l2-live', 'n2', 'web'),
        existing('l2-dead-other', 'n3', 'other'),
      ],
      new Set(['n1', 'n2']),
    );
    // n2 is alive and deletes its own; n3's status for a Service n1 does not announce is not n1's business.
    expect(plan).toEqual({ create: [web], update: [], remove: ['l2-dead'] });
    // Without a membership view nothing of other nodes is touched (MetalLB's behaviour).
    expect(planStatusSync('n1', [web], [existing('l2-dead', 'n3', 'web')]).remove).toEqual([]);
  });
});
