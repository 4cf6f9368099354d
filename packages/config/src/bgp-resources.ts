/**
 * The BGP kinds of metallb.io as plain data, exactly the fields of deploy/crds: BGPPeer
 * (metallb.io/v1beta2, the only version served), BGPAdvertisement, Community, BFDProfile and
 * ServiceBGPStatus (v1beta1). As for the layer-2 kinds, objects read from the API can be passed
 * in as they are; malformed fields are reported, never thrown on.
 */
import type { LabelSelector } from '@baremetal-lb/ipam';
import type { Condition, ObjectMeta } from './metallb-resources.ts';

export const bgpPeerApiVersion = 'metallb.io/v1beta2';

type WithConditions = { readonly conditions?: readonly Condition[] };

export type BGPPeerSpec = {
  readonly myASN: number;
  readonly peerASN?: number;
  readonly dynamicASN?: 'internal' | 'external';
  readonly localASN?: number;
  readonly peerAddress?: string;
  readonly interface?: string;
  readonly sourceAddress?: string;
  readonly peerPort?: number;
  /** Go durations, e.g. `90s`, `9m0s`. */
  readonly holdTime?: string;
  readonly keepaliveTime?: string;
  readonly connectTime?: string;
  readonly routerID?: string;
  readonly nodeSelectors?: readonly LabelSelector[];
  readonly password?: string;
  readonly passwordSecret?: { readonly name?: string; readonly namespace?: string };
  readonly bfdProfile?: string;
  readonly ebgpMultiHop?: boolean;
  readonly vrf?: string;
  readonly enableGracefulRestart?: boolean;
  readonly disableMP?: boolean;
  readonly dualStackAddressFamily?: boolean;
};

export type BGPPeer = {
  readonly apiVersion?: string;
  readonly kind?: 'BGPPeer';
  readonly metadata: ObjectMeta;
  readonly spec: BGPPeerSpec;
  readonly status?: WithConditions;
};

export type BGPAdvertisementSpec = {
  readonly aggregationLength?: number;
  readonly aggregationLengthV6?: number;
  readonly localPref?: number;
  /** `A:B`, `large:G:L1:L2` or the name of a Community alias. */
  readonly communities?: readonly string[];
  readonly ipAddressPools?: readonly string[];
  readonly ipAddressPoolSelectors?: readonly LabelSelector[];
  readonly nodeSelectors?: readonly LabelSelector[];
  /** BGPPeer names. */
  readonly peers?: readonly string[];
  readonly serviceSelectors?: readonly LabelSelector[];
};

export type BGPAdvertisement = {
  readonly apiVersion?: string;
  readonly kind?: 'BGPAdvertisement';
  readonly metadata: ObjectMeta;
  readonly spec?: BGPAdvertisementSpec;
  readonly status?: WithConditions;
};

export type Community = {
  readonly apiVersion?: string;
  readonly kind?: 'Community';
  readonly metadata: ObjectMeta;
  readonly spec?: { readonly communities?: readonly { readonly name: string; readonly value: string }[] };
  readonly status?: WithConditions;
};

export type BFDProfileSpec = {
  readonly receiveInterval?: number;
  readonly transmitInterval?: number;
  readonly detectMultiplier?: number;
  readonly echoInterval?: number;
  readonly echoMode?: boolean;
  readonly passiveMode?: boolean;
  readonly minimumTtl?: number;
};

export type BFDProfile = {
  readonly apiVersion?: string;
  readonly kind?: 'BFDProfile';
  readonly metadata: ObjectMeta;
  readonly spec?: BFDProfileSpec;
  readonly status?: WithConditions;
};

export type ServiceBGPStatus = {
  readonly apiVersion?: string;
  readonly kind?: 'ServiceBGPStatus';
  readonly metadata: ObjectMeta;
  readonly spec?: Readonly<Record<string, never>>;
  readonly status?: {
    readonly node?: string;
    readonly serviceName?: string;
    readonly serviceNamespace?: string;
    /** BGPPeer names whose sessions on the node carry the Service's prefixes. */
    readonly peers?: readonly string[];
  };
};

/** MetalLB's generateName for ServiceBGPStatus objects (labels as for ServiceL2Status). */
export const serviceBGPStatusGenerateName = 'bgp-';

/** The parts of a Secret a BGPPeer's passwordSecret needs (data values are base64). */
export type SecretLike = {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
};
