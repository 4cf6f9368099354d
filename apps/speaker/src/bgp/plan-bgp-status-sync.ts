/**
 * ServiceBGPStatus bookkeeping as a pure plan (MetalLB's bgp_status_controller.go): one object per
 * (Service, node) that this node announces to at least one peer, labelled `metallb.io/node`,
 * `metallb.io/service-name` and `metallb.io/service-namespace`, with status.peers the BGPPeers
 * whose session here carries the Service's prefixes. Updated when that set changes, deleted when
 * it becomes empty; duplicates of one Service are deleted.
 */
import { type ServiceBGPStatus, ServiceL2StatusLabel as StatusLabel } from '@baremetal-lb/config';

export type DesiredBgpStatus = {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  /** BGPPeer names, sorted. */
  readonly peers: readonly string[];
};

export type BgpStatusPlan = {
  readonly create: readonly DesiredBgpStatus[];
  readonly update: readonly { readonly name: string; readonly status: DesiredBgpStatus }[];
  readonly remove: readonly string[];
};

export function bgpStatusBody(node: string, s: DesiredBgpStatus): NonNullable<ServiceBGPStatus['status']> {
  return { node, serviceName: s.serviceName, serviceNamespace: s.serviceNamespace, peers: s.peers };
}

/** `existing`: this node's objects (listed by the `metallb.io/node` label). */
export function planBgpStatusSync(
  node: string,
  desired: readonly DesiredBgpStatus[],
  existing: readonly ServiceBGPStatus[],
): BgpStatusPlan {
  const byService = new Map<string, ServiceBGPStatus[]>();
  for (const e of existing) {
    const labels = e.metadata?.labels ?? {};
    if (e.metadata?.name === undefined || labels[StatusLabel.node] !== node) continue;
    const key = `${labels[StatusLabel.serviceNamespace]}/${labels[StatusLabel.serviceName]}`;
    byService.set(key, [...(byService.get(key) ?? []), e]);
  }
  const create: DesiredBgpStatus[] = [];
  const update: { name: string; status: DesiredBgpStatus }[] = [];
  const remove: string[] = [];
  for (const d of desired) {
    const key = `${d.serviceNamespace}/${d.serviceName}`;
    const [first, ...duplicates] = byService.get(key) ?? [];
    byService.delete(key);
    for (const dup of duplicates) remove.push(dup.metadata.name!);
    if (first === undefined) create.push(d);
    else if (JSON.stringify(first.status ?? {}) !== JSON.stringify(bgpStatusBody(node, d)))
      update.push({ name: first.metadata.name!, status: d });
  }
  for (const list of byService.values()) for (const e of list) remove.push(e.metadata.name!);
  return { create, update, remove };
}
