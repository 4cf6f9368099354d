/**
 * ServiceBGPStatus bookkeeping as a pure plan (MetalLB's bgp_status_controller.go): one object per
 * (Service, node) that this node announces to at least one peer, labelled `metallb.io/node`,
 * `metallb.io/service-name` and `metallb.io/service-namespace`, with status.peers the BGPPeers
 * whose session here carries the Service's prefixes. Updated when that set changes, deleted when
 * it becomes empty; duplicates of one Service are deleted.
 */
import type { ServiceBGPStatus } from '@baremetal-lb/config';
import { planServiceStatusSync, type StatusSyncPlan } from '../layer2/k8s/plan-status-sync.ts';

export type DesiredBgpStatus = {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  /** BGPPeer names, sorted. */
  readonly peers: readonly string[];
};

export type BgpStatusPlan = StatusSyncPlan<DesiredBgpStatus>;

export function bgpStatusBody(node: string, s: DesiredBgpStatus): NonNullable<ServiceBGPStatus['status']> {
  return { node, serviceName: s.serviceName, serviceNamespace: s.serviceNamespace, peers: s.peers };
}

/** `existing`: this node's objects (listed by the `metallb.io/node` label). */
export function planBgpStatusSync(
  node: string,
  desired: readonly DesiredBgpStatus[],
  existing: readonly ServiceBGPStatus[],
): BgpStatusPlan {
  return planServiceStatusSync(node, desired, existing, bgpStatusBody);
}
