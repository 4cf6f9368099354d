/** Builders for test objects (not shipped: only tests import this file). */
import type {
  IPAddressPool,
  IPAddressPoolSpec,
  L2Advertisement,
  L2AdvertisementSpec,
  LabeledObject,
} from './metallb-resources.ts';

export function pool(
  name: string,
  addresses: readonly string[],
  extra: Partial<IPAddressPoolSpec> & { labels?: Record<string, string>; created?: string } = {},
): IPAddressPool {
  const { labels, created, ...spec } = extra;
  return {
    metadata: {
      name,
      namespace: 'metallb-system',
      ...(labels ? { labels } : {}),
      ...(created ? { creationTimestamp: created } : {}),
    },
    spec: { addresses, ...spec },
  };
}

export function advertisement(name: string, spec?: L2AdvertisementSpec): L2Advertisement {
  return { metadata: { name, namespace: 'metallb-system' }, ...(spec ? { spec } : {}) };
}

export function labeled(name: string, labels: Record<string, string> = {}): LabeledObject {
  return { metadata: { name, labels } };
}
