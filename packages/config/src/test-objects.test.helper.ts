/** Builders for test objects (not shipped: only tests import this file). */
import type {
  BFDProfile,
  BFDProfileSpec,
  BGPAdvertisement,
  BGPAdvertisementSpec,
  BGPPeer,
  BGPPeerSpec,
  Community,
  SecretLike,
} from './bgp-resources.ts';
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

type Meta = { labels?: Record<string, string>; created?: string };

function metadata(name: string, { labels, created }: Meta = {}) {
  return {
    name,
    namespace: 'metallb-system',
    ...(labels ? { labels } : {}),
    ...(created ? { creationTimestamp: created } : {}),
  };
}

export function bgpPeer(name: string, spec: Partial<BGPPeerSpec> = {}, meta?: Meta): BGPPeer {
  return {
    metadata: metadata(name, meta),
    spec: { myASN: 64512, peerASN: 64512, peerAddress: '198.51.100.1', ...spec },
  };
}

export function bgpAdvertisement(name: string, spec?: BGPAdvertisementSpec, meta?: Meta): BGPAdvertisement {
  return { metadata: metadata(name, meta), ...(spec ? { spec } : {}) };
}

export function community(name: string, aliases: Record<string, string>, meta?: Meta): Community {
  return {
    metadata: metadata(name, meta),
    spec: { communities: Object.entries(aliases).map(([alias, value]) => ({ name: alias, value })) },
  };
}

export function bfdProfile(name: string, spec: BFDProfileSpec = {}): BFDProfile {
  return { metadata: metadata(name), spec };
}

export function basicAuthSecret(name: string, password: string): SecretLike {
  return {
    metadata: { name, namespace: 'metallb-system' },
    type: 'kubernetes.io/basic-auth',
    data: { password: Buffer.from(password).toString('base64') },
  };
}
