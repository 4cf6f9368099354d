import {
  apiEventSink,
  ContentType,
  type EventObject,
  type EventSink,
  type KubeClient,
  type Lease,
  type LeaseStore,
  type LoadBalancerIngress,
  type Service,
} from '@baremetal-lb/kube';
import { type ConfigKind, type ConfigObject, configPath } from './config-status.ts';
import { poolAnnotation } from './service-translation.ts';

/** What one status write changes. */
export type ServiceStatusChange = {
  readonly ingress?: readonly LoadBalancerIngress[];
  readonly pool?: string | null;
};

/** Every write the controller makes, behind one small interface. */
export interface ControllerApi extends EventSink {
  /**
   * One merge patch to the status subresource with the ingress and/or the pool annotation
   * (undefined leaves a part alone; null removes the annotation). Returns the updated Service:
   * the caller checks that the annotation stuck (see patchServicePool). Applies only to the
   * version of the Service given (409 otherwise), and gives up when `signal` aborts.
   */
  patchServiceStatus(service: Service, change: ServiceStatusChange, signal?: AbortSignal): Promise<Service>;
  /**
   * Sets (or with null removes) the annotation on the main resource: the fallback for an API
   * server that ignores metadata in status writes (Kubernetes 1.34 keeps it for Services).
   */
  patchServicePool(service: Service, pool: string | null, signal?: AbortSignal): Promise<Service>;
  /** Merge-patches the status of a metallb.io object (pool counters, `Valid` conditions). */
  patchConfigStatus(kind: ConfigKind, object: ConfigObject, status: object): Promise<void>;
  /**
   * Every Service, read from the API server itself (a quorum read, never a cache), so the list
   * shows every write acknowledged before it was made.
   */
  listServices(signal?: AbortSignal): Promise<readonly Service[]>;
}

/** The uid and resourceVersion a merge patch must match to apply. */
function preconditions(service: Service): Record<string, unknown> {
  return { uid: service.metadata.uid, resourceVersion: service.metadata.resourceVersion };
}

function servicePath(service: Service): string {
  return `/api/v1/namespaces/${service.metadata.namespace}/services/${service.metadata.name}`;
}

/**
 * Writes as JSON merge patches that carry metadata.uid: the API server refuses (uid is
 * immutable) a patch meant for a Service that was deleted and re-created under the same name.
 * Service writes also carry the resourceVersion the decision was made on (optimistic
 * concurrency): a write that a leader sent before losing the Lease, and that reaches the API
 * server late, cannot overwrite what the next leader wrote meanwhile. Status writes of metallb.io
 * objects do not: only counters and a condition, recomputed on every change.
 */
export class KubeControllerApi implements ControllerApi {
  readonly #client: KubeClient;
  readonly #events: EventSink;

  constructor(client: KubeClient) {
    this.#client = client;
    this.#events = apiEventSink(client);
  }

  patchServiceStatus(service: Service, change: ServiceStatusChange, signal?: AbortSignal): Promise<Service> {
    const metadata: Record<string, unknown> = preconditions(service);
    if (change.pool !== undefined) metadata.annotations = { [poolAnnotation]: change.pool };
    return this.#client.request<Service>('PATCH', `${servicePath(service)}/status`, {
      contentType: ContentType.mergePatch,
      body: {
        metadata,
        ...(change.ingress === undefined ? {} : { status: { loadBalancer: { ingress: change.ingress } } }),
      },
      ...(signal ? { signal } : {}),
    });
  }

  patchServicePool(service: Service, pool: string | null, signal?: AbortSignal): Promise<Service> {
    return this.#client.request<Service>('PATCH', servicePath(service), {
      contentType: ContentType.mergePatch,
      body: { metadata: { ...preconditions(service), annotations: { [poolAnnotation]: pool } } },
      ...(signal ? { signal } : {}),
    });
  }

  async patchConfigStatus(kind: ConfigKind, object: ConfigObject, status: object): Promise<void> {
    await this.#client.request(
      'PATCH',
      `${configPath(kind, object.metadata.namespace ?? '')}/${object.metadata.name}/status`,
      { contentType: ContentType.mergePatch, body: { metadata: { uid: object.metadata.uid }, status } },
    );
  }

  async listServices(signal?: AbortSignal): Promise<readonly Service[]> {
    const services: Service[] = [];
    let next: string | undefined;
    do {
      // No resourceVersion: served from etcd with a quorum read. Pages of 500 keep each response small.
      const page = await this.#client.request<{ items?: Service[]; metadata?: { continue?: string } }>(
        'GET',
        '/api/v1/services',
        { query: { limit: '500', ...(next ? { continue: next } : {}) }, ...(signal ? { signal } : {}) },
      );
      services.push(...(page.items ?? []));
      next = page.metadata?.continue || undefined;
    } while (next !== undefined);
    return services;
  }

  async create(event: EventObject): Promise<void> {
    await this.#events.create(event);
  }
}

/** The leader Lease over the API. */
export class KubeLeaseStore implements LeaseStore {
  readonly #client: KubeClient;
  readonly #namespace: string;
  readonly #name: string;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.#client = client;
    this.#namespace = namespace;
    this.#name = name;
  }

  #path(suffix = ''): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.#namespace}/leases${suffix}`;
  }

  async get(signal?: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.#client.request<Lease>('GET', this.#path(`/${this.#name}`), signal ? { signal } : {});
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  create(lease: Lease, signal?: AbortSignal): Promise<Lease> {
    return this.#client.request<Lease>('POST', this.#path(), {
      body: { ...lease, metadata: { name: this.#name, namespace: this.#namespace } },
      ...(signal ? { signal } : {}),
    });
  }

  update(lease: Lease, signal?: AbortSignal): Promise<Lease> {
    return this.#client.request<Lease>('PUT', this.#path(`/${this.#name}`), {
      body: lease,
      ...(signal ? { signal } : {}),
    });
  }
}
