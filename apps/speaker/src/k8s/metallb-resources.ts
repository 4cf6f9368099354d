/**
 * The metallb.io resources as the speaker handles them: packages/config owns their shapes; these
 * aliases add what the Kubernetes client's informers need (a KubeObject).
 */
import type { IPAddressPool, L2Advertisement, ServiceL2Status } from '@baremetal-lb/config';
import type { KubeObject } from '@baremetal-lb/kube';

export type IpAddressPoolResource = IPAddressPool & KubeObject;
export type L2AdvertisementResource = L2Advertisement & KubeObject;
export type ServiceL2StatusResource = ServiceL2Status & KubeObject;

export { metallbGroup, metallbVersion, ServiceL2StatusLabel } from '@baremetal-lb/config';
