/**
 * The few Kubernetes object shapes the controller reads and writes, as raw JSON (what watches
 * deliver). Only the fields we use; everything optional that the API may omit.
 */
export type ObjectMeta = {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
};

export type KubeObject = {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
};

export type ServicePortSpec = {
  readonly name?: string;
  readonly protocol?: string;
  readonly port: number;
};

export type LoadBalancerIngress = {
  readonly ip?: string;
  readonly hostname?: string;
  readonly ipMode?: string;
};

export type Service = KubeObject & {
  readonly spec?: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    readonly ipFamilies?: readonly string[];
    readonly ipFamilyPolicy?: string;
    readonly loadBalancerIP?: string;
    readonly loadBalancerClass?: string;
    readonly externalTrafficPolicy?: string;
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports?: readonly ServicePortSpec[];
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] } };
};

export type Namespace = KubeObject;

/** metav1.Condition: the one definition lives with the metallb.io resource types. */
export type { Condition } from '@baremetal-lb/config';

/** coordination.k8s.io/v1 Lease. Times are MicroTime strings (RFC 3339 with microseconds). */
export type Lease = KubeObject & {
  readonly spec?: {
    readonly holderIdentity?: string | null;
    readonly leaseDurationSeconds?: number | null;
    readonly acquireTime?: string | null;
    readonly renewTime?: string | null;
    readonly leaseTransitions?: number | null;
  };
};

/** `namespace/name`, the key the work queue and the allocator use for a Service. */
export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** core/v1 Node: what the speaker reads (labels, addresses, NetworkUnavailable). */
export type Node = KubeObject & {
  readonly status?: {
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
    readonly addresses?: ReadonlyArray<{ readonly type: string; readonly address: string }>;
  };
};

/** discovery.k8s.io/v1 EndpointSlice: which nodes have endpoints, and in which condition. */
export type EndpointSlice = KubeObject & {
  readonly addressType?: string;
  readonly endpoints?: ReadonlyArray<{
    readonly addresses?: readonly string[];
    readonly nodeName?: string;
    readonly conditions?: {
      readonly ready?: boolean;
      readonly serving?: boolean;
      readonly terminating?: boolean;
    };
  }>;
};
