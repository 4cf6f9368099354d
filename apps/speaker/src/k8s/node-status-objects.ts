/**
 * The per-node status objects both modes keep in the speaker's namespace (ServiceL2Status,
 * ServiceBGPStatus): list by label, create with `generateName` and labels, write `status`
 * through the status subresource, delete. The writers decide what to write (pure plans).
 */
import { KubeApiError, type KubeClient, type KubeObject } from '@baremetal-lb/kube';
import { metallbGroup, metallbVersion, ServiceL2StatusLabel } from './metallb-resources.ts';

export type StatusObject<S> = KubeObject & { readonly status?: S };

/** MetalLB's labels on a status object: the node that wrote it and the Service it is about. */
export function statusLabels(
  node: string,
  serviceNamespace: string,
  serviceName: string,
): Record<string, string> {
  return {
    [ServiceL2StatusLabel.node]: node,
    [ServiceL2StatusLabel.serviceName]: serviceName,
    [ServiceL2StatusLabel.serviceNamespace]: serviceNamespace,
  };
}

export class NodeStatusObjects<S> {
  readonly #api: KubeClient;
  readonly #collection: string;
  readonly #kind: string;

  /** `plural`: `servicel2statuses`; `kind`: `ServiceL2Status`. */
  constructor(api: KubeClient, namespace: string, plural: string, kind: string) {
    this.#api = api;
    this.#collection = `/apis/${metallbGroup}/${metallbVersion}/namespaces/${namespace}/${plural}`;
    this.#kind = kind;
  }

  async list(labelSelector: string): Promise<StatusObject<S>[]> {
    const list = await this.#api.request<{ items?: StatusObject<S>[] }>('GET', this.#collection, {
      query: { labelSelector },
    });
    return list.items ?? [];
  }

  /** Deletes `name`; one already gone is fine. */
  async remove(name: string): Promise<void> {
    await this.#api.request('DELETE', `${this.#collection}/${name}`).catch((error: unknown) => {
      if (!(error instanceof KubeApiError && error.isNotFound)) throw error;
    });
  }

  async create(generateName: string, labels: Readonly<Record<string, string>>, status: S): Promise<void> {
    const created = await this.#api.request<StatusObject<S>>('POST', this.#collection, {
      body: {
        apiVersion: `${metallbGroup}/${metallbVersion}`,
        kind: this.#kind,
        metadata: { generateName, labels },
        status,
      },
    });
    // With a status subresource the API server drops status on create; set it now.
    if (JSON.stringify(created.status ?? {}) !== JSON.stringify(status))
      await this.#writeStatus(created, status);
  }

  /** Replaces the status of `name` (read first: the write needs its resourceVersion). */
  async update(name: string, status: S): Promise<void> {
    await this.#writeStatus(
      await this.#api.request<StatusObject<S>>('GET', `${this.#collection}/${name}`),
      status,
    );
  }

  async #writeStatus(object: StatusObject<S>, status: S): Promise<void> {
    await this.#api.request('PUT', `${this.#collection}/${object.metadata.name}/status`, {
      body: { ...object, status },
    });
  }
}
