import { dropUnneededFields, type Service } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import { serviceAnnotationsKept } from './informers.ts';
import { serviceFingerprint } from './service-fingerprint.ts';
import { translateService } from './service-translation.ts';

describe('the Service cache transform', () => {
  const service = (): Service => ({
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u1',
      annotations: {
        'metallb.io/loadBalancerIPs': '198.51.100.7',
        'metallb.universe.tf/address-pool': 'blue',
        'metallb.io/ip-allocated-from-pool': 'blue',
        'meta.helm.sh/release-name': 'shop',
        'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}',
      },
    },
    spec: { type: 'LoadBalancer' },
  });

  it('keeps the annotations under both MetalLB prefixes and drops the others', () => {
    const cached = dropUnneededFields<Service>({ keepAnnotations: serviceAnnotationsKept })(service());
    expect(cached.metadata.annotations).toEqual({
      'metallb.io/loadBalancerIPs': '198.51.100.7',
      'metallb.universe.tf/address-pool': 'blue',
      'metallb.io/ip-allocated-from-pool': 'blue',
    });
  });

  it('drops nothing the decision reads', () => {
    const cached = dropUnneededFields<Service>({ keepAnnotations: serviceAnnotationsKept })(service());
    expect(translateService(cached, undefined, {})).toEqual(translateService(service(), undefined, {}));
    expect(serviceFingerprint(cached)).toBe(serviceFingerprint(service()));
  });
});
