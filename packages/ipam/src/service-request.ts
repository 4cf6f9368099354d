import type { Labels } from './label-selector.ts';

export const IpFamily = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;
export type IpFamily = (typeof IpFamily)[keyof typeof IpFamily];

export const IpFamilyPolicy = {
  singleStack: 'SingleStack',
  preferDualStack: 'PreferDualStack',
  requireDualStack: 'RequireDualStack',
} as const;
export type IpFamilyPolicy = (typeof IpFamilyPolicy)[keyof typeof IpFamilyPolicy];

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  readonly protocol: PortProtocol;
  readonly port: number;
}

/**
 * What the allocator needs to know about a service. Plain data, no Kubernetes types: a
 * non-Kubernetes tool fills in `key` and whatever else applies.
 */
export interface ServiceRequest {
  /** Unique, stable identity of the service, e.g. `namespace/name`. */
  readonly key: string;
  /** Namespace, for `serviceAllocation.namespaces`. Default `''`. */
  readonly namespace?: string;
  /** The service's labels, for `serviceAllocation.serviceSelectors`. */
  readonly labels?: Labels;
  /** The namespace's labels, for `serviceAllocation.namespaceSelectors`. */
  readonly namespaceLabels?: Labels;
  /** Ports, checked only when the IP is shared: no (protocol, port) pair may repeat on one IP. */
  readonly ports?: readonly ServicePort[];
  /** Sharing key (`metallb.io/allow-shared-ip`); empty or unset = the IP is not shared. */
  readonly sharingKey?: string;
  /**
   * Services sharing an IP must have equal backend keys. For Kubernetes: `''` for
   * externalTrafficPolicy Cluster, a canonical form of the pod selector for Local.
   */
  readonly backendKey?: string;
  /** Default SingleStack. */
  readonly ipFamilyPolicy?: IpFamilyPolicy;
  /** The service's families in order, primary first (`spec.ipFamilies`). Default `['IPv4']`. */
  readonly ipFamilies?: readonly IpFamily[];
  /**
   * Specific IPs (`metallb.io/loadBalancerIPs`): at most two, of different families, and one of
   * each family when the service wants two (RequireDualStack, or PreferDualStack with two families).
   */
  readonly requestedIPs?: readonly string[];
  /** Allocate only from this pool (`metallb.io/address-pool`); autoAssign does not matter. */
  readonly pool?: string;
}

/** What a service holds. `ips` are in canonical text form, IPv4 before IPv6. */
export interface Assignment {
  readonly serviceKey: string;
  readonly pool: string;
  readonly ips: readonly string[];
}
