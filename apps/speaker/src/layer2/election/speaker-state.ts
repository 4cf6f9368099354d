/**
 * The speaker's view of the cluster, as plain data: everything `desiredAnnouncements` reads. The
 * Kubernetes adapter (k8s/) builds it from informer caches and the membership view; tests build it
 * by hand. Nothing here knows about the Kubernetes client.
 */
import type { ResolvedL2Advertisement } from '@baremetal-lb/config';
import type { Labels } from '@baremetal-lb/ipam';

/** Label `node.kubernetes.io/exclude-from-external-load-balancers`: any value excludes the node. */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export type { Labels };

/** A Node, reduced to what election needs. */
export type NodeView = {
  readonly name: string;
  readonly labels: Labels;
  /** Condition `NetworkUnavailable` is `True`. */
  readonly networkUnavailable: boolean;
};

/** `externalTrafficPolicy` of a Service. */
export type TrafficPolicy = 'Cluster' | 'Local';

/** An endpoint of an EndpointSlice: where it runs and its conditions as written (unset = undefined). */
export type EndpointView = {
  readonly nodeName?: string | undefined;
  readonly ready?: boolean | undefined;
  readonly serving?: boolean | undefined;
};

/** A LoadBalancer Service this speaker is responsible for (class already filtered). */
export type ServiceView = {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly externalTrafficPolicy: TrafficPolicy;
  /** `status.loadBalancer.ingress[].ip`, in order; the first is the election key (MetalLB). */
  readonly ingressIPs: readonly string[];
  /** The pool holding the ingress IPs; undefined when no configured pool holds them. */
  readonly pool: string | undefined;
  /** Endpoints of all EndpointSlices of the Service. */
  readonly endpoints: readonly EndpointView[];
};

/** Everything election reads. */
export type SpeakerState = {
  readonly nodes: ReadonlyMap<string, NodeView>;
  readonly services: readonly ServiceView[];
  /**
   * L2Advertisements as packages/config resolves them against `nodes` (pools, nodes and preferred
   * weights resolved); config's selectL2ForService applies them per Service.
   */
  readonly advertisements: readonly ResolvedL2Advertisement[];
  /** Node names of the speakers the membership view currently holds alive (self included). */
  readonly aliveMembers: ReadonlySet<string>;
};
