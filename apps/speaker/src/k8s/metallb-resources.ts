/**
 * The fields of the metallb.io/v1beta1 resources the speaker reads, as they arrive from the API.
 * (packages/config owns the full shapes and their validation; see to-config-view.ts.)
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { LabelSelector } from '../election/label-selector.ts';

export type IpAddressPoolResource = KubernetesObject & {
  readonly spec?: { readonly addresses?: readonly string[] };
};

export type L2AdvertisementResource = KubernetesObject & {
  readonly spec?: {
    readonly ipAddressPools?: readonly string[];
    readonly ipAddressPoolSelectors?: readonly LabelSelector[];
    readonly nodeSelectors?: readonly LabelSelector[];
    readonly interfaces?: readonly string[];
    readonly serviceSelectors?: readonly LabelSelector[];
    readonly preferredNodeSelectors?: readonly {
      readonly weight?: number;
      readonly preference?: LabelSelector;
    }[];
  };
};

/** ServiceL2Status as the speaker writes it. */
export type ServiceL2StatusResource = KubernetesObject & {
  readonly status?: {
    readonly node?: string;
    readonly serviceName?: string;
    readonly serviceNamespace?: string;
    readonly interfaces?: readonly { readonly name: string }[];
  };
};

export const METALLB_GROUP = 'metallb.io';
export const METALLB_VERSION = 'v1beta1';
