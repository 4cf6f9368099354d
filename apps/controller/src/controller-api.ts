import type { EventObject, EventSink } from './event-recorder.ts';
import type { KubeClient } from './kube-client.ts';
import { ContentType } from './kube-client.ts';
import type { Lease, LoadBalancerIngress, Service } from './kube-types.ts';
import type { LeaseStore } from './leader-elector.ts';
import type { IpAddressPoolObject, PoolStatus } from './pool-status.ts';
import { poolAnnotation } from './service-translation.ts';

/** Every write the controller makes, behind one small interface. */
export interface ControllerApi extends EventSink {
  /** Replaces status.loadBalancer.ingress; fails with 409 if the Service was re-created. */
  patchServiceIngress(service: Service, ingress: readonly LoadBalancerIngress[]): Promise<void>;
  /** Sets (or with null removes) the ip-allocated-from-pool annotation. */
  patchServicePool(service: Service, pool: string | null): Promise<void>;
  patchPoolStatus(pool: IpAddressPoolObject, status: PoolStatus): Promise<void>;
}

const poolsPath = (namespace: string) => `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools`;

function servicePath(service: Service): string {
  return `/api/v1/namespaces/${service.metadata.namespace}/services/${service.metadata.name}`;
}

/**
 * Writes as JSON merge patches that carry metadata.uid: the API server then refuses (409) a
 * patch meant for a Service that was deleted and re-created under the same name, and never
 * conflicts merely because something else changed the object meanwhile.
 */
export class KubeControllerApi implements ControllerApi {
  readonly #client: KubeClient;

  constructor(client: KubeClient) {
    this.#client = client;
  }

  async patchServiceIngress(service: Service, ingress: readonly LoadBalancerIngress[]): Promise<void> {
    await this.#client.request('PATCH', `${servicePath(service)}/status`, {
      contentType: ContentType.mergePatch,
      body: { metadata: { uid: service.metadata.uid }, status: { loadBalancer: { ingress } } },
    });
  }

  async patchServicePool(service: Service, pool: string | null): Promise<void> {
    await this.#client.request('PATCH', servicePath(service), {
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
