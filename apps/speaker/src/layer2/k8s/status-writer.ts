/**
 * Writes this node's ServiceL2Status objects (create, fix, delete stale) following the pure plan,
 * and reports which Services just moved here so `nodeAssigned` is emitted once per move.
 * Failures (API unreachable) are left for the next sync: the speaker never waits on them.
 */
import { KubeApiError, type KubeClient } from '@baremetal-lb/kube';
import {
  metallbGroup,
  metallbVersion,
  ServiceL2StatusLabel,
  type ServiceL2StatusResource,
} from '../../k8s/metallb-resources.ts';
import { type DesiredL2Status, planStatusSync, statusBody } from './plan-status-sync.ts';

const plural = 'servicel2statuses';

export class StatusWriter {
  readonly #api: KubeClient;
  readonly #namespace: string;
  readonly #node: string;

  constructor(api: KubeClient, namespace: string, node: string) {
    this.#api = api;
    this.#namespace = namespace;
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
    const base = this.#path();
    const list = async (labelSelector: string) =>
      (
        await this.#api.request<{ items?: ServiceL2StatusResource[] }>('GET', base, {
          query: { labelSelector },
        })
      ).items ?? [];
    const existing = await list(`${ServiceL2StatusLabel.node}=${this.#node}`);
    if (liveNodes !== undefined && desired.length > 0) {
      // Only the few statuses of nodes that are gone, not every node's.
      const live = [...liveNodes, this.#node].sort().join(',');
      existing.push(...(await list(`${ServiceL2StatusLabel.node} notin (${live})`)));
    }
    const plan = planStatusSync(this.#node, desired, existing, liveNodes);
    for (const name of plan.remove) {
      await this.#api.request('DELETE', this.#path(name)).catch(ignoreNotFound);
    }
    for (const d of plan.create) {
      const created = await this.#api.request<ServiceL2StatusResource>('POST', base, {
        body: {
          apiVersion: `${metallbGroup}/${metallbVersion}`,
          kind: 'ServiceL2Status',
          metadata: {
            generateName: 'l2-',
            namespace: this.#namespace,
            labels: {
              [ServiceL2StatusLabel.node]: this.#node,
              [ServiceL2StatusLabel.serviceName]: d.serviceName,
              [ServiceL2StatusLabel.serviceNamespace]: d.serviceNamespace,
            },
          },
          status: statusBody(this.#node, d),
        },
      });
      // With a status subresource the API server drops status on create; set it now.
      if (JSON.stringify(created.status ?? {}) !== JSON.stringify(statusBody(this.#node, d))) {
        await this.#writeStatus(created, d);
      }
    }
    for (const u of plan.update) {
      const current = await this.#api.request<ServiceL2StatusResource>('GET', this.#path(u.name));
      await this.#writeStatus(current, u.status);
    }
    return plan.create;
  }

  async #writeStatus(object: ServiceL2StatusResource, d: DesiredL2Status): Promise<void> {
    const body = { ...object, status: statusBody(this.#node, d) };
    await this.#api.request('PUT', `${this.#path(object.metadata.name)}/status`, { body });
  }

  #path(name?: string): string {
    const collection = `/apis/${metallbGroup}/${metallbVersion}/namespaces/${this.#namespace}/${plural}`;
    return name === undefined ? collection : `${collection}/${name}`;
  }
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof KubeApiError && error.isNotFound) return;
  throw error;
}
