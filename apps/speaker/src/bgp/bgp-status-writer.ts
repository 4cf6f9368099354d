/**
 * Writes this node's ServiceBGPStatus objects (create, fix, delete stale) following the pure plan.
 * Failures (API unreachable) are left for the next sync: the sessions never wait on them.
 */
import {
  metallbGroup,
  metallbVersion,
  type ServiceBGPStatus,
  serviceBGPStatusGenerateName,
} from '@baremetal-lb/config';
import { KubeApiError, type KubeClient, type KubeObject } from '@baremetal-lb/kube';
import { ServiceL2StatusLabel as StatusLabel } from '../k8s/metallb-resources.ts';
import { bgpStatusBody, type DesiredBgpStatus, planBgpStatusSync } from './plan-bgp-status-sync.ts';

type Resource = ServiceBGPStatus & KubeObject;

export class BgpStatusWriter {
  readonly #api: KubeClient;
  readonly #namespace: string;
  readonly #node: string;

  constructor(api: KubeClient, namespace: string, node: string) {
    this.#api = api;
    this.#namespace = namespace;
    this.#node = node;
  }

  async sync(desired: readonly DesiredBgpStatus[]): Promise<void> {
    const base = this.#path();
    const existing =
      (
        await this.#api.request<{ items?: Resource[] }>('GET', base, {
          query: { labelSelector: `${StatusLabel.node}=${this.#node}` },
        })
      ).items ?? [];
    const plan = planBgpStatusSync(this.#node, desired, existing);
    for (const name of plan.remove) await this.#api.request('DELETE', this.#path(name)).catch(ignoreNotFound);
    for (const d of plan.create) {
      const created = await this.#api.request<Resource>('POST', base, {
        body: {
          apiVersion: `${metallbGroup}/${metallbVersion}`,
          kind: 'ServiceBGPStatus',
          metadata: {
            generateName: serviceBGPStatusGenerateName,
            namespace: this.#namespace,
            labels: {
              [StatusLabel.node]: this.#node,
              [StatusLabel.serviceName]: d.serviceName,
              [StatusLabel.serviceNamespace]: d.serviceNamespace,
            },
          },
          status: bgpStatusBody(this.#node, d),
        },
      });
      // With a status subresource the API server drops status on create; set it now.
      if (JSON.stringify(created.status ?? {}) !== JSON.stringify(bgpStatusBody(this.#node, d)))
        await this.#writeStatus(created, d);
    }
    for (const u of plan.update) {
      const current = await this.#api.request<Resource>('GET', this.#path(u.name));
      await this.#writeStatus(current, u.status);
    }
  }

  async #writeStatus(object: Resource, d: DesiredBgpStatus): Promise<void> {
    const body = { ...object, status: bgpStatusBody(this.#node, d) };
    await this.#api.request('PUT', `${this.#path(object.metadata.name)}/status`, { body });
  }

  #path(name?: string): string {
    const collection = `/apis/${metallbGroup}/${metallbVersion}/namespaces/${this.#namespace}/servicebgpstatuses`;
    return name === undefined ? collection : `${collection}/${name}`;
  }
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof KubeApiError && error.isNotFound) return;
  throw error;
}
