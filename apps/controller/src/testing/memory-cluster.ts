import { type EventObject, MapStore, type Namespace, type Service } from '@baremetal-lb/kube';
import type { ClusterWatcher } from '../cluster-watcher.ts';
import { type ConfigKind, type ConfigObject, type StatusKind, statusKinds } from '../config-status.ts';
import type { ControllerApi, ServiceStatusChange } from '../controller-api.ts';
import { KubeApiError } from '../errors.ts';
import type { IpAddressPoolObject } from '../pool-status.ts';
import { poolAnnotation } from '../service-translation.ts';

/**
 * An in-memory API server for unit tests of the controller: stores, writes that bump
 * resourceVersion and notify watchers, an event list, and injectable write failures.
 */
export class MemoryCluster implements ControllerApi {
  readonly services = new MapStore<Service>();
  readonly pools = new MapStore<IpAddressPoolObject>();
  readonly namespaces = new MapStore<Namespace>();
  /** L2Advertisements, BGPPeers, BGPAdvertisements, Communities and BFDProfiles, by kind. */
  readonly configObjects = new Map<StatusKind, MapStore<ConfigObject>>(
    statusKinds.map((kind) => [kind, new MapStore<ConfigObject>()]),
  );
  readonly events: EventObject[] = [];
  readonly writes: string[] = [];
  watchers: ClusterWatcher[] = [];
  /** Fails the next N service writes with this status. */
  failNext: { count: number; status: number } = { count: 0, status: 0 };
  #version = 0;
  #uid = 0;

  #meta<T extends { metadata: { uid?: string; creationTimestamp?: string } }>(object: T, existing?: T): T {
    return {
      ...object,
      metadata: {
        ...object.metadata,
        uid: existing?.metadata.uid ?? object.metadata.uid ?? `uid-${++this.#uid}`,
        creationTimestamp:
          existing?.metadata.creationTimestamp ??
          new Date(1_700_000_000_000 + this.#uid * 1000).toISOString(),
        resourceVersion: String(++this.#version),
      },
    };
  }

  applyService(service: Service): Service {
    const stored = this.#meta(service, this.services.get(service.metadata.name, service.metadata.namespace));
    this.services.set(stored);
    for (const watcher of this.watchers) watcher.serviceChanged(stored);
    return stored;
  }

  deleteService(namespace: string, name: string): void {
    const existing = this.services.get(name, namespace);
    if (!existing) return;
    this.services.delete(existing);
    for (const watcher of this.watchers) watcher.serviceDeleted(existing);
  }

  applyPool(pool: IpAddressPoolObject): IpAddressPoolObject {
    const existing = this.pools.get(pool.metadata.name, pool.metadata.namespace);
    const status = pool.status ?? existing?.status;
    const stored = this.#meta(status === undefined ? pool : { ...pool, status }, existing);
    this.pools.set(stored);
    for (const watcher of this.watchers) watcher.poolChanged(stored);
    return stored;
  }

  deletePool(namespace: string, name: string): void {
    const existing = this.pools.get(name, namespace);
    if (!existing) return;
    this.pools.delete(existing);
    for (const watcher of this.watchers) watcher.poolChanged(existing, true);
  }

  applyConfigObject(kind: StatusKind, object: ConfigObject): ConfigObject {
    const store = this.configObjects.get(kind)!;
    const existing = store.get(object.metadata.name, object.metadata.namespace);
    const stored = this.#meta(object, existing);
    store.set(stored);
    for (const watcher of this.watchers) watcher.configObjectChanged(kind, stored);
    return stored;
  }

  applyNamespace(namespace: Namespace): void {
    const stored = this.#meta(namespace, this.namespaces.get(namespace.metadata.name));
    this.namespaces.set(stored);
    for (const watcher of this.watchers) watcher.namespaceChanged(stored);
  }

  #current(service: Service, path: string): Service {
    if (this.failNext.count > 0) {
      this.failNext = { ...this.failNext, count: this.failNext.count - 1 };
      throw new KubeApiError('PATCH', path, this.failNext.status, 'Injected', 'injected failure');
    }
    const current = this.services.get(service.metadata.name, service.metadata.namespace);
    if (!current) throw new KubeApiError('PATCH', path, 404, 'NotFound', 'not found');
    if (service.metadata.uid !== current.metadata.uid)
      throw new KubeApiError('PATCH', path, 409, 'Conflict', 'uid precondition');
    if (
      service.metadata.resourceVersion !== undefined &&
      service.metadata.resourceVersion !== current.metadata.resourceVersion
    )
      throw new KubeApiError('PATCH', path, 409, 'Conflict', 'resourceVersion precondition');
    return current;
  }

  /** When set, status writes ignore metadata (as a stricter API server might). */
  statusIgnoresMetadata = false;

  async patchServiceStatus(service: Service, change: ServiceStatusChange): Promise<Service> {
    const current = this.#current(service, 'status');
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    this.writes.push(
      `status ${key} ${change.ingress?.map((i) => i.ip).join(',') ?? '-'} ${this.statusIgnoresMetadata ? '-' : change.pool}`,
    );
    const annotations = this.statusIgnoresMetadata
      ? current.metadata.annotations
      : withPool(current, change.pool);
    return this.applyService({
      ...current,
      metadata: { ...current.metadata, ...(annotations ? { annotations } : {}) },
      ...(change.ingress === undefined ? {} : { status: { loadBalancer: { ingress: change.ingress } } }),
    });
  }

  async patchServicePool(service: Service, pool: string | null): Promise<Service> {
    const current = this.#current(service, 'annotations');
    this.writes.push(`pool ${service.metadata.namespace}/${service.metadata.name} ${pool}`);
    const annotations = withPool(current, pool) ?? {};
    return this.applyService({ ...current, metadata: { ...current.metadata, annotations } });
  }

  async listServices(): Promise<readonly Service[]> {
    return this.services.list();
  }

  async patchConfigStatus(kind: ConfigKind, object: ConfigObject, status: object): Promise<void> {
    const store: MapStore<ConfigObject> =
      kind === 'IPAddressPool' ? this.pools : this.configObjects.get(kind)!;
    const current = store.get(object.metadata.name, object.metadata.namespace);
    if (!current) throw new KubeApiError('PATCH', kind, 404, 'NotFound', 'not found');
    this.writes.push(`${kind === 'IPAddressPool' ? 'pool' : kind}Status ${object.metadata.name}`);
    // Like a watch: JSON round trip turns bigints into (rounded) numbers.
    const plain = JSON.parse(
      JSON.stringify(status, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
    );
    store.set({
      ...current,
      status: plain,
      metadata: { ...current.metadata, resourceVersion: String(++this.#version) },
    });
  }

  async create(event: EventObject): Promise<void> {
    this.events.push(event);
  }

  /** Ingress IPs of every Service, by key. */
  assignments(): Map<string, string[]> {
    return new Map(
      this.services
        .list()
        .map((s) => [
          `${s.metadata.namespace}/${s.metadata.name}`,
          (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ''),
        ]),
    );
  }
}

function withPool(service: Service, pool: string | null | undefined): Record<string, string> | undefined {
  if (pool === undefined) return service.metadata.annotations;
  const annotations = { ...service.metadata.annotations };
  if (pool === null) delete annotations[poolAnnotation];
  else annotations[poolAnnotation] = pool;
  return annotations;
}
