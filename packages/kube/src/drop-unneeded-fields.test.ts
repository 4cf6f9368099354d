import { describe, expect, it } from 'vitest';
import { dropUnneededFields } from './drop-unneeded-fields.ts';
import type { KubeObject } from './kube-types.ts';

function service(): KubeObject & { spec: { type: string } } {
  return {
    metadata: {
      name: 's',
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
        'metallb.io/address-pool': 'blue',
        'metallb.io/loadBalancerIPs': '203.0.113.5',
        'example.com/other': 'x',
      },
      managedFields: [{ manager: 'kubectl' }],
    } as KubeObject['metadata'],
    spec: { type: 'LoadBalancer' },
  };
}

describe('dropUnneededFields', () => {
  it('drops managedFields and the last-applied copy by default, keeps the rest', () => {
    const out = dropUnneededFields()(service()) as KubeObject & { metadata: { managedFields?: unknown } };
    expect(out.metadata.managedFields).toBeUndefined();
    expect(Object.keys(out.metadata.annotations ?? {})).toEqual([
      'metallb.io/address-pool',
      'metallb.io/loadBalancerIPs',
      'example.com/other',
    ]);
    expect(out.metadata.labels).toEqual({ app: 'web' });
  });

  it('keeps only listed annotations (exact keys and prefixes) and can drop labels', () => {
    const transform = dropUnneededFields({
      keepAnnotations: ['metallb.io/', 'example.com/none'],
      dropLabels: true,
    });
    const out = transform(service());
    expect(out.metadata.annotations).toEqual({
      'metallb.io/address-pool': 'blue',
      'metallb.io/loadBalancerIPs': '203.0.113.5',
    });
    expect(out.metadata.labels).toBeUndefined();
    expect(out.metadata.name).toBe('s');
    const none = dropUnneededFields({ keepAnnotations: [] })(service());
    expect(none.metadata.annotations).toBeUndefined();
  });
});
