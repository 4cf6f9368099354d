/**
 * The metallb.io resources as the speaker handles them: packages/config owns their shapes; these
 * aliases add what the Kubernetes client's informers need (a KubernetesObject).
 */
import type { IPAddressPool, L2Advertisement, ServiceL2Status } from '@baremetal-lb/config';
import type { KubernetesObject } from '@kubernetes/client-node';

export type IpAddressPoolResource = IPAddressPool & KubernetesObject;
export type L2AdvertisementResource = L2Advertisement & KubernetesObject;
export type ServiceL2StatusResource = ServiceL2Status & KubernetesObject;

export { metallbGroup, metallbVersion, ServiceL2StatusLabel } from '@baremetal-lb/config';
