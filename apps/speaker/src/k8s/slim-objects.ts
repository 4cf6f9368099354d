/**
 * Informer transforms: each object is cut down to what election and the membership seeds read
 * as soon as it is parsed, so the caches of a cluster with thousands of Services, EndpointSlices
 * and Nodes hold only a few fields each (managedFields, annotations, ports, addresses of
 * endpoints, images and capacity of Nodes are never kept).
 */
import type { EndpointSlice, Node, ObjectMeta, Service } from '@baremetal-lb/kube';
import type { SecretResource } from './metallb-resources.ts';

/** Label on an EndpointSlice naming its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

function meta(m: ObjectMeta, keepLabels: boolean): ObjectMeta {
  return {
    name: m.name,
    ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
    ...(m.uid === undefined ? {} : { uid: m.uid }),
    ...(m.resourceVersion === undefined ? {} : { resourceVersion: m.resourceVersion }),
    ...(keepLabels && m.labels !== undefined ? { labels: m.labels } : {}),
  };
}

/** A Service: type, class, traffic policy and ingress IPs (labels for serviceSelectors). */
export function slimService(service: Service): Service {
  const spec = service.spec;
  if (spec?.type !== 'LoadBalancer')
    return { metadata: meta(service.metadata, false), spec: { ...(spec?.type ? { type: spec.type } : {}) } };
  const ingress = service.status?.loadBalancer?.ingress;
  return {
    metadata: meta(service.metadata, true),
    spec: {
      type: spec.type,
      ...(spec.loadBalancerClass === undefined ? {} : { loadBalancerClass: spec.loadBalancerClass }),
      ...(spec.externalTrafficPolicy === undefined
        ? {}
        : { externalTrafficPolicy: spec.externalTrafficPolicy }),
    },
    ...(ingress === undefined
      ? {}
      : { status: { loadBalancer: { ingress: ingress.map((i) => (i.ip ? { ip: i.ip } : {})) } } }),
  };
}

/** An EndpointSlice: its Service's name and each endpoint's node and conditions. */
export function slimEndpointSlice(slice: EndpointSlice): EndpointSlice {
  const service = slice.metadata.labels?.[serviceNameLabel];
  return {
    metadata: {
      ...meta(slice.metadata, false),
      ...(service === undefined ? {} : { labels: { [serviceNameLabel]: service } }),
    },
    endpoints: (slice.endpoints ?? []).map((e) => ({
      ...(e.nodeName === undefined ? {} : { nodeName: e.nodeName }),
      conditions: {
        ...(e.conditions?.ready === undefined ? {} : { ready: e.conditions.ready }),
        ...(e.conditions?.serving === undefined ? {} : { serving: e.conditions.serving }),
      },
    })),
  };
}

/** A Node: labels (advertisement nodeSelectors), InternalIPs (seeds), NetworkUnavailable. */
export function slimNode(node: Node): Node {
  const status = node.status;
  return {
    metadata: meta(node.metadata, true),
    status: {
      conditions: (status?.conditions ?? [])
        .filter((c) => c.type === 'NetworkUnavailable')
        .map((c) => ({ type: c.type, status: c.status })),
      addresses: (status?.addresses ?? [])
        .filter((a) => a.type === 'InternalIP')
        .map((a) => ({ type: a.type, address: a.address })),
    },
  };
}

/**
 * A Secret of the speaker's namespace: only a basic-auth Secret's `password` is kept (BGPPeer
 * passwordSecret); every other Secret is reduced to its name and type, so no other key material
 * stays in memory.
 */
export function slimSecret(secret: SecretResource): SecretResource {
  const password = secret.type === 'kubernetes.io/basic-auth' ? secret.data?.password : undefined;
  return {
    metadata: meta(secret.metadata, false),
    ...(secret.type === undefined ? {} : { type: secret.type }),
    ...(password === undefined ? {} : { data: { password } }),
  };
}
