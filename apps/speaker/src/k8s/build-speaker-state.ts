/**
 * From Kubernetes objects (informer caches) to the plain SpeakerState election reads. Pure: the
 * caches, the resolved configuration and the membership view go in, plain data comes out.
 */

import type { ResolvedL2Advertisement } from '@baremetal-lb/config';
import type { EndpointSlice, Node, Service } from '@baremetal-lb/kube';
import type { EndpointView, NodeView, ServiceView, SpeakerState } from '../layer2/election/speaker-state.ts';

/** The configuration as election needs it (built from IPAddressPools and L2Advertisements). */
export type ConfigView = {
  /** Resolved by packages/config against the current Nodes. */
  readonly advertisements: readonly ResolvedL2Advertisement[];
  /** Name of the pool holding `ip`, if any. */
  readonly poolOf: (ip: string) => string | undefined;
};

export type ClusterObjects = {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodes: readonly Node[];
};

/** Label on an EndpointSlice naming its Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * Whether this speaker handles `svc` (`spec.loadBalancerClass`): without `--lb-class`, only
 * Services with no class; with it, only that class (MetalLB).
 */
export function handlesService(svc: Service, lbClass: string | undefined): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return lbClass === undefined ? cls === undefined || cls === null || cls === '' : cls === lbClass;
}

export function toNodeView(node: Node): NodeView | undefined {
  const name = node.metadata?.name;
  if (name === undefined) return undefined;
  const networkUnavailable = (node.status?.conditions ?? []).some(
    (c) => c.type === 'NetworkUnavailable' && c.status === 'True',
  );
  return { name, labels: node.metadata?.labels ?? {}, networkUnavailable };
}

/** InternalIP addresses of a Node, in order (membership seeds). */
export function nodeInternalIps(node: Node): readonly string[] {
  return (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
}

export function buildSpeakerState(
  objects: ClusterObjects,
  config: ConfigView,
  aliveMembers: ReadonlySet<string>,
  lbClass: string | undefined,
): SpeakerState {
  const nodes = new Map<string, NodeView>();
  for (const n of objects.nodes) {
    const view = toNodeView(n);
    if (view !== undefined) nodes.set(view.name, view);
  }

  const endpointsByService = new Map<string, EndpointView[]>();
  for (const slice of objects.endpointSlices) {
    const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    const ns = slice.metadata?.namespace;
    if (svcName === undefined || ns === undefined) continue;
    const key = `${ns}/${svcName}`;
    const list = endpointsByService.get(key) ?? [];
    for (const e of slice.endpoints ?? []) {
      list.push({ nodeName: e.nodeName, ready: e.conditions?.ready, serving: e.conditions?.serving });
    }
    endpointsByService.set(key, list);
  }

  const services: ServiceView[] = [];
  for (const svc of objects.services) {
    if (!handlesService(svc, lbClass)) continue;
    const namespace = svc.metadata?.namespace;
    const name = svc.metadata?.name;
    if (namespace === undefined || name === undefined) continue;
    const ingressIPs = (svc.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip)
      .filter((ip): ip is string => typeof ip === 'string' && ip !== '');
    const pools = new Set(ingressIPs.map((ip) => config.poolOf(ip)));
    // MetalLB: the pool must hold every ingress IP.
    const pool = pools.size === 1 ? [...pools][0] : undefined;
    services.push({
      namespace,
      name,
      labels: svc.metadata?.labels ?? {},
      externalTrafficPolicy: svc.spec?.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
      ingressIPs,
      pool,
      endpoints: endpointsByService.get(`${namespace}/${name}`) ?? [],
    });
  }
  return { nodes, services, advertisements: config.advertisements, aliveMembers };
}
