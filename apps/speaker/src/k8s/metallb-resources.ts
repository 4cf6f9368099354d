/**
 * The metallb.io resources as the speaker handles them: packages/config owns their shapes; these
 * aliases add what the Kubernetes client's informers need (a KubeObject).
 */
import type { IPAddressPool, L2Advertisement, SecretLike, ServiceL2Status } from '@baremetal-lb/config';
import type { KubeObject } from '@baremetal-lb/kube';

export type IpAddressPoolResource = IPAddressPool & KubeObject;
export type L2AdvertisementResource = L2Advertisement & KubeObject;
export type ServiceL2StatusResource = ServiceL2Status & KubeObject;
/** BGPPeers, BGPAdvertisements, Communities, BFDProfiles: packages/config parses them. */
export type BgpResource = KubeObject & { readonly spec?: unknown };
export type SecretResource = SecretLike & KubeObject;

import { bgpPeerApiVersion } from '@baremetal-lb/config';

export { metallbGroup, metallbVersion, ServiceL2StatusLabel } from '@baremetal-lb/config';
/** BGPPeer is served as metallb.io/v1beta2 only (deploy/crds). */
export const bgpPeerVersion = bgpPeerApiVersion.split('/')[1]!;
