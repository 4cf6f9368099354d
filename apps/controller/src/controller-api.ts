import type { EventObject, EventSink } from './event-recorder.ts';
import type { KubeClient } from './kube-client.ts';
import { ContentType } from './kube-client.ts';
import type { Lease, LoadBalancerIngress, Service } from './kube-types.ts';
import type { LeaseStore } from './leader-elector.ts';
import type { IpAddressPoolObject, PoolStatus } from './pool-status.ts';
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
   * the caller checks that the annotation stuck (see patchServicePool).
   */
  patchServiceStatus(service: Service, change: ServiceStatusChange): Promise<Service>;
  /**
   * Sets (or with null removes) the annotation on the main resource: the fallback for an API
   * server that ignores metadata in status writes (Kubernetes 1.34 keeps it for Services).
   */
  patchServicePool(service: Service, pool: string | null): Promise<Service>;
  patchPoolStatus(pool: IpAddressPoolObject, status: PoolStatus): Promise<void>;
}

const poolsPath = (namespace: string) => `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools`;

function servicePath(service: Service): string {
  return `/api/v1/namespaces/${service.metadata.namespace}/services/${service.metadata.name}`;
}

/**
 * Writes as JSON merge patches that carry metadata.uid: the API server refuses (uid is
 * immutable) a patch meant for a Service that was deleted and re-created under the same name,
 * and never conflicts merely because something else changed the object meanwhile.
 */
export class KubeControllerApi implements ControllerApi {
  readonly #client: KubeClient;

  constructor(client: KubeClient) {
    this.#client = client;
  }

  patchServiceStatus(service: Service, change: ServiceStatusChange): Promise<Service> {
    const metadata: Record<string, unknown> = { uid: service.metadata.uid };
    if (change.pool !== undefined) metadata.annotations = { [poolAnnotation]: change.pool };
    return this.#client.request<Service>('PATCH', `${servicePath(service)}/status`, {
      contentType: ContentType.mergePatch,
      body: {
        metadata,
        ...(change.ingress === undefined ? {} : { status: { loadBalancer: { ingress: change.ingress } } }),
      },
    });
  }

  patchServicePool(service: Service, pool: string | null): Promise<Service> {
    return this.#client.request<Service>('PATCH', servicePath(service), {
      contentType: ContentType.mergePatch,
      body: { metadata: { uid: service.metadata.uid, annotations: { [poolAnnotation]: pool } } },
    });
  }

  async patchPoolStatus(pool: IpAddressPoolObject, status: PoolStatus): Promise<void> {
    await this.#client.request(
      'PATCH',
      `${poolsPath(pool.metadata.namespace ?? '')}/${pool.metadata.name}/status`,
      {
        contentType: ContentType.mergePatch,
        body: { metadata: { uid: pool.metadata.uid }, status },
      },
    );
  }

  async create(event: EventObject): Promise<void> {
    await this.#client.request(
      'POST',
      `/apis/events.k8s.io/v1/namespaces/${event.metadata.namespace}/events`,
      {
        body: event,
      },
    );
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

  async get(): Promise<Lease | undefined> {
    try {
      return await this.#client.request<Lease>('GET', this.#path(`/${this.#name}`));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  create(lease: Lease): Promise<Lease> {
    return this.#client.request<Lease>('POST', this.#path(), {
      body: { ...lease, metadata: { name: this.#name, namespace: this.#namespace } },
    });
  }

  update(lease: Lease): Promise<Lease> {
    return this.#client.request<Lease>('PUT', this.#path(`/${this.#name}`), { body: lease });
  }
}
