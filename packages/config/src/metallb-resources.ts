/**
 * The metallb.io/v1beta1 resources as plain data, exactly the fields of deploy/crds. Objects read
 * from the API can be passed in as they are; every field is optional where the API allows it, and
 * the functions of this package tolerate fields of the wrong type (they report them, never throw).
 */
import type { LabelSelector, Labels } from '@baremetal-lb/ipam';

export const metallbGroup = 'metallb.io';
export const metallbVersion = 'v1beta1';
export const metallbApiVersion = 'metallb.io/v1beta1';

/** Kind → plural resource name (for API paths and RBAC). BGPPeer is served as v1beta2 only. */
export const MetallbResource = {
  IPAddressPool: 'ipaddresspools',
  L2Advertisement: 'l2advertisements',
  ServiceL2Status: 'servicel2statuses',
  BGPPeer: 'bgppeers',
  BGPAdvertisement: 'bgpadvertisements',
  Community: 'communities',
  BFDProfile: 'bfdprofiles',
  ServiceBGPStatus: 'servicebgpstatuses',
} as const;
export type MetallbKind = keyof typeof MetallbResource;

/** Labels the announcing speaker puts on its ServiceL2Status objects (MetalLB's names). */
export const ServiceL2StatusLabel = {
  node: 'metallb.io/node',
  serviceName: 'metallb.io/service-name',
  serviceNamespace: 'metallb.io/service-namespace',
} as const;

/** MetalLB's generateName for ServiceL2Status objects. */
export const serviceL2StatusGenerateName = 'l2-';

export type ObjectMeta = {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Labels;
  readonly annotations?: Readonly<Record<string, string>>;
};

/** metav1.Condition. */
export type Condition = {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
};

export type ServiceAllocationSpec = {
  readonly priority?: number;
  readonly namespaces?: readonly string[];
  readonly namespaceSelectors?: readonly LabelSelector[];
  readonly serviceSelectors?: readonly LabelSelector[];
};

export type IPAddressPoolSpec = {
  readonly addresses: readonly string[];
  readonly autoAssign?: boolean;
  readonly avoidBuggyIPs?: boolean;
  readonly serviceAllocation?: ServiceAllocationSpec;
};

export type IPAddressPoolStatus = {
  readonly assignedIPv4?: number;
  readonly assignedIPv6?: number;
  readonly availableIPv4?: number;
  readonly availableIPv6?: number;
  readonly conditions?: readonly Condition[];
};

export type IPAddressPool = {
  readonly apiVersion?: string;
  readonly kind?: 'IPAddressPool';
  readonly metadata: ObjectMeta;
  readonly spec: IPAddressPoolSpec;
  readonly status?: IPAddressPoolStatus;
};

export type PreferredNodeSelector = {
  /** 1..100; the weights of the selectors a node matches are summed. */
  readonly weight: number;
  readonly preference: LabelSelector;
};

export type L2AdvertisementSpec = {
  readonly ipAddressPools?: readonly string[];
  readonly ipAddressPoolSelectors?: readonly LabelSelector[];
  readonly nodeSelectors?: readonly LabelSelector[];
  readonly interfaces?: readonly string[];
  readonly serviceSelectors?: readonly LabelSelector[];
  readonly preferredNodeSelectors?: readonly PreferredNodeSelector[];
};

export type L2AdvertisementStatus = { readonly conditions?: readonly Condition[] };

export type L2Advertisement = {
  readonly apiVersion?: string;
  readonly kind?: 'L2Advertisement';
  readonly metadata: ObjectMeta;
  /** MetalLB's quick start omits spec entirely: that advertises every pool from every node. */
  readonly spec?: L2AdvertisementSpec;
  readonly status?: L2AdvertisementStatus;
};

export type ServiceL2StatusStatus = {
  readonly node?: string;
  readonly serviceName?: string;
  readonly serviceNamespace?: string;
  /** Only when the advertisement names interfaces. */
  readonly interfaces?: readonly { readonly name: string }[];
};

export type ServiceL2Status = {
  readonly apiVersion?: string;
  readonly kind?: 'ServiceL2Status';
  readonly metadata: ObjectMeta;
  readonly spec?: Readonly<Record<string, never>>;
  readonly status?: ServiceL2StatusStatus;
};

/** The parts of a Node or Namespace that configuration depends on. */
export type LabeledObject = { readonly metadata: { readonly name?: string; readonly labels?: Labels } };
