/**
 * IPAddressPools and L2Advertisements → the ConfigView election reads, through packages/config
 * (the one place that knows and validates the CRD shapes): which pool holds an IP, and each
 * advertisement with its pools, nodes and preference weights resolved. An object config rejects is left out
 * on its own (the controller reports why in its status); the rest keeps working.
 */
import { buildConfiguration, type LabeledObject } from '@baremetal-lb/config';
import type { ConfigView } from '../../k8s/build-speaker-state.ts';
import type { IpAddressPoolResource, L2AdvertisementResource } from '../../k8s/metallb-resources.ts';
import { poolLookup } from '../../k8s/pool-lookup.ts';

export function toConfigView(
  pools: readonly IpAddressPoolResource[],
  advertisements: readonly L2AdvertisementResource[],
  nodes: readonly LabeledObject[],
): ConfigView {
  const config = buildConfiguration({ pools, l2Advertisements: advertisements, nodes });
  return { advertisements: config.l2Advertisements, poolOf: poolLookup(config.pools) };
}
