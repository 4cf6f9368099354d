/**
 * The per-node status objects both modes keep in the speaker's namespace (ServiceL2Status,
 * ServiceBGPStatus). This node's own objects come from a watch (label `metallb.io/node` = this
 * node), so a sync reads them without a request: at 5,000 Services a list before each write cost
 * 4–5 CPU-seconds a minute (README, "At scale"). Writes: a create is a POST plus the status (the
 * status subresource drops it on create), an update one PUT of the status, a delete one DELETE.
 * Each object is owned by this node's Node object, so Kubernetes' garbage collector deletes them
 * with the Node (a Service cannot own them: owners of a namespaced object must be in
 * its namespace or cluster-scoped). The writers decide what to write (pure plans).
 */
import {
  type Clock,
  dropUnneededFields,
  type Informer,
  KubeApiError,
  type KubeClient,
  type KubeObject,
  startInformer,
  type WatchClient,
} from '@baremetal-lb/kube';
import type { ServiceStatusKey, StatusSyncPlan } from '../layer2/k8s/plan-status-sync.ts';
import { metallbGroup, metallbVersion, ServiceL2StatusLabel } from './metallb-resources.ts';

export type OwnerReference = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
};

export type StatusObject<S> = KubeObject & {
  readonly metadata: { readonly ownerReferences?: readonly OwnerReference[] };
  readonly status?: S;
};

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

/** The owner reference to a Node (no `blockOwnerDeletion`: that would need rights on the Node). */
export function nodeOwner(name: string, uid: string): OwnerReference {
  return { apiVersion: 'v1', kind: 'Node', name, uid };
}

/**
 * How long this node's own writes override the watch's view of an object, ms: the watch reports
 * them a moment later (milliseconds); until then a sync must not create an object twice or write
 * a stale one again. Past this the watch's view wins (someone else changed or deleted it).
 */
const writtenOverrideMs = 10_000;

export type NodeStatusObjectsOptions = {
  readonly client: KubeClient & WatchClient;
  readonly namespace: string;
  /** `servicel2statuses` */
  readonly plural: string;
  /** `ServiceL2Status` */
  readonly kind: string;
  readonly node: string;
  /** This node's Node UID, from the Node cache; undefined while unknown (no owner set then). */
  readonly nodeUid: () => string | undefined;
  readonly clock: Clock;
};

export class NodeStatusObjects<S> {
  readonly #o: NodeStatusObjectsOptions;
  readonly #collection: string;
  #informer: Informer<StatusObject<S>> | undefined;
  /** name → what this node last wrote (undefined: deleted), and when. */
  readonly #written = new Map<
    string,
    { readonly object: StatusObject<S> | undefined; readonly at: number }
  >();

  constructor(options: NodeStatusObjectsOptions) {
    this.#o = options;
    this.#collection = `/apis/${metallbGroup}/${metallbVersion}/namespaces/${options.namespace}/${options.plural}`;
  }

  /** This node's objects: from the watch (started on first use), with this node's latest writes. */
  async own(): Promise<StatusObject<S>[]> {
    this.#informer ??= startInformer<StatusObject<S>>({
      client: this.#o.client,
      path: this.#collection,
      clock: this.#o.clock,
      handlers: { change: () => {}, remove: () => {} },
      listWatch: {
        transform: dropUnneededFields(),
        selectors: { labelSelector: `${ServiceL2StatusLabel.node}=${this.#o.node}` },
      },
    });
    await this.#informer.synced;
    const byName = new Map(this.#informer.store.list().map((o) => [o.metadata.name, o]));
    const now = this.#o.clock.now();
    for (const [name, w] of this.#written) {
      const seen = byName.get(name);
      const caughtUp =
        w.object === undefined
          ? seen === undefined
          : seen?.metadata.resourceVersion === w.object.metadata.resourceVersion;
      if (caughtUp || now - w.at > writtenOverrideMs) {
        this.#written.delete(name);
      } else if (w.object === undefined) byName.delete(name);
      else byName.set(name, w.object);
    }
    return [...byName.values()];
  }

  /**
   * Carries out `plan` over `own` (what `own()` returned for it): deletes, then creates (named
   * `generateName`…, with MetalLB's labels), then status updates; `body` is a status's content.
   */
  async apply<D extends ServiceStatusKey>(
    plan: StatusSyncPlan<D>,
    own: readonly StatusObject<S>[],
    generateName: string,
    body: (desired: D) => S,
  ): Promise<void> {
    for (const name of plan.remove) await this.remove(name);
    for (const d of plan.create) {
      await this.create(generateName, statusLabels(this.#o.node, d.serviceNamespace, d.serviceName), body(d));
    }
    const byName = new Map(own.map((o) => [o.metadata.name, o]));
    for (const u of plan.update) await this.update(byName.get(u.name)!, body(u.status));
  }

  /** Other objects, by label selector (one request). */
  async list(labelSelector: string): Promise<StatusObject<S>[]> {
    const list = await this.#o.client.request<{ items?: StatusObject<S>[] }>('GET', this.#collection, {
      query: { labelSelector },
    });
    return list.items ?? [];
  }

  /** Deletes `name`; one already gone is fine. */
  async remove(name: string): Promise<void> {
    await this.#o.client.request('DELETE', `${this.#collection}/${name}`).catch((error: unknown) => {
      if (!(error instanceof KubeApiError && error.isNotFound)) throw error;
    });
    this.#remember(name, undefined);
  }

  async create(generateName: string, labels: Readonly<Record<string, string>>, status: S): Promise<void> {
    const owner = this.#owner();
    const created = await this.#o.client.request<StatusObject<S>>('POST', this.#collection, {
      body: {
        apiVersion: `${metallbGroup}/${metallbVersion}`,
        kind: this.#o.kind,
        metadata: { generateName, labels, ...(owner === undefined ? {} : { ownerReferences: [owner] }) },
        status,
      },
    });
    this.#remember(created.metadata.name, created);
    // With a status subresource the API server drops status on create; set it now.
    if (JSON.stringify(created.status ?? {}) !== JSON.stringify(status)) await this.update(created, status);
  }

  /**
   * Replaces the status of `object` (one PUT of the status subresource, with the resourceVersion
   * the watch or our last write saw: a stale one fails with 409 and the sync retries).
   */
  async update(object: StatusObject<S>, status: S): Promise<void> {
    const written = await this.#o.client.request<StatusObject<S>>(
      'PUT',
      `${this.#collection}/${object.metadata.name}/status`,
      { body: { ...object, status } },
    );
    this.#remember(written.metadata.name, written);
  }

  async stop(): Promise<void> {
    await this.#informer?.stop();
  }

  #owner(): OwnerReference | undefined {
    const uid = this.#o.nodeUid();
    return uid === undefined ? undefined : nodeOwner(this.#o.node, uid);
  }

  #remember(name: string, object: StatusObject<S> | undefined): void {
    this.#written.set(name, { object, at: this.#o.clock.now() });
  }
}
