/**
 * Writes this node's ServiceL2Status objects (create, fix, delete stale) following the pure plan,
 * and reports which Services just moved here so `nodeAssigned` is emitted once per move.
 * Failures (API unreachable) are left for the next sync: the speaker never waits on them.
 */
import type { KubeClient } from '@baremetal-lb/kube';
import { ServiceL2StatusLabel, type ServiceL2StatusResource } from '../../k8s/metallb-resources.ts';
import { NodeStatusObjects, statusLabels } from '../../k8s/node-status-objects.ts';
import { type DesiredL2Status, planStatusSync, statusBody } from './plan-status-sync.ts';

type Status = ServiceL2StatusResource['status'];

export class StatusWriter {
  readonly #objects: NodeStatusObjects<Status>;
  readonly #node: string;

  constructor(api: KubeClient, namespace: string, node: string) {
    this.#objects = new NodeStatusObjects<Status>(api, namespace, 'servicel2statuses', 'ServiceL2Status');
    this.#node = node;
  }

  /**
   * Brings the statuses in line with `desired`; resolves with the Services that gained one.
   * With `liveNodes`, also removes the statuses that nodes outside it left for Services this node
   * now announces.
   */
  async sync(
    desired: readonly DesiredL2Status[],
    liveNodes?: ReadonlySet<string>,
  ): Promise<readonly DesiredL2Status[]> {
    const objects = this.#objects;
    const existing = (await objects.list(
      `${ServiceL2StatusLabel.node}=${this.#node}`,
    )) as ServiceL2StatusResource[];
    if (liveNodes !== undefined && desired.length > 0) {
      // Only the few statuses of nodes that are gone, not every node's.
      const live = [...liveNodes, this.#node].sort().join(',');
      existing.push(
        ...((await objects.list(
          `${ServiceL2StatusLabel.node} notin (${live})`,
        )) as ServiceL2StatusResource[]),
      );
    }
    const plan = planStatusSync(this.#node, desired, existing, liveNodes);
    for (const name of plan.remove) await objects.remove(name);
    for (const d of plan.create) {
      const labels = statusLabels(this.#node, d.serviceNamespace, d.serviceName);
      await objects.create('l2-', labels, statusBody(this.#node, d));
    }
    for (const u of plan.update) await objects.update(u.name, statusBody(this.#node, u.status));
    return plan.create;
  }
}
