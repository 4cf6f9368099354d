/**
 * Writes this node's ServiceBGPStatus objects (create, fix, delete stale) following the pure plan.
 * Failures (API unreachable) are left for the next sync: the sessions never wait on them.
 */
import { type ServiceBGPStatus, serviceBGPStatusGenerateName } from '@baremetal-lb/config';
import type { KubeClient } from '@baremetal-lb/kube';
import { ServiceL2StatusLabel as StatusLabel } from '../k8s/metallb-resources.ts';
import { NodeStatusObjects, statusLabels } from '../k8s/node-status-objects.ts';
import { bgpStatusBody, type DesiredBgpStatus, planBgpStatusSync } from './plan-bgp-status-sync.ts';

export class BgpStatusWriter {
  readonly #objects: NodeStatusObjects<ServiceBGPStatus['status']>;
  readonly #node: string;

  constructor(api: KubeClient, namespace: string, node: string) {
    this.#objects = new NodeStatusObjects(api, namespace, 'servicebgpstatuses', 'ServiceBGPStatus');
    this.#node = node;
  }

  async sync(desired: readonly DesiredBgpStatus[]): Promise<void> {
    const objects = this.#objects;
    const existing = (await objects.list(`${StatusLabel.node}=${this.#node}`)) as ServiceBGPStatus[];
    const plan = planBgpStatusSync(this.#node, desired, existing);
    for (const name of plan.remove) await objects.remove(name);
    for (const d of plan.create) {
      const labels = statusLabels(this.#node, d.serviceNamespace, d.serviceName);
      await objects.create(serviceBGPStatusGenerateName, labels, bgpStatusBody(this.#node, d));
    }
    for (const u of plan.update) await objects.update(u.name, bgpStatusBody(this.#node, u.status));
  }
}
