/**
 * Informers on Services, EndpointSlices, Nodes, IPAddressPools and L2Advertisements. Callbacks
 * only signal "something changed"; the speaker reads the caches. When the API server is
 * unreachable the caches keep their last contents (the speaker keeps announcing from them) and
 * each informer restarts with a capped backoff.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
  type V1EndpointSlice,
  type V1Node,
  type V1Service,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorText } from '../observe/error-text.ts';
import type { ClusterObjects } from './build-speaker-state.ts';
import {
  type IpAddressPoolResource,
  type L2AdvertisementResource,
  metallbGroup,
  metallbVersion,
} from './metallb-resources.ts';

type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

type Entry = { name: string; informer: Cached<KubernetesObject>; synced: boolean; delayMs: number };

/** First retry after an informer error, ms; doubles up to the max. */
const restartBaseDelayMs = 250;
/** Cap: an API server back from an outage is noticed within 4 s. */
const restartMaxDelayMs = 4000;

export type ClusterSnapshot = ClusterObjects & {
  readonly pools: readonly IpAddressPoolResource[];
  readonly advertisements: readonly L2AdvertisementResource[];
};

export class ClusterCache {
  readonly #log: Logger;
  readonly #onChange: () => void;
  readonly #informers: Entry[] = [];
  #stopped = false;
  #connected = false;
  readonly services: Cached<V1Service>;
  readonly endpointSlices: Cached<V1EndpointSlice>;
  readonly nodes: Cached<V1Node>;
  readonly pools: Cached<IpAddressPoolResource>;
  readonly advertisements: Cached<L2AdvertisementResource>;

  constructor(kc: KubeConfig, namespace: string, log: Logger, onChange: () => void) {
    this.#log = log;
    this.#onChange = onChange;
    const core = kc.makeApiClient(CoreV1Api);
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const listCustom =
      <T extends KubernetesObject>(plural: string) =>
      () =>
        custom.listNamespacedCustomObject({
          group: metallbGroup,
          version: metallbVersion,
          namespace,
          plural,
        }) as Promise<KubernetesListObject<T>>;
    const crPath = (plural: string) =>
      `/apis/${metallbGroup}/${metallbVersion}/namespaces/${namespace}/${plural}`;

    this.services = this.#add(
      'services',
      makeInformer(kc, '/api/v1/services', () => core.listServiceForAllNamespaces()),
    );
    this.endpointSlices = this.#add(
      'endpointslices',
      makeInformer(kc, '/apis/discovery.k8s.io/v1/endpointslices', () =>
        discovery.listEndpointSliceForAllNamespaces(),
      ),
    );
    this.nodes = this.#add(
      'nodes',
      makeInformer(kc, '/api/v1/nodes', () => core.listNode()),
    );
    this.pools = this.#add(
      'ipaddresspools',
      makeInformer(kc, crPath('ipaddresspools'), listCustom<IpAddressPoolResource>('ipaddresspools')),
    );
    this.advertisements = this.#add(
      'l2advertisements',
      makeInformer(kc, crPath('l2advertisements'), listCustom<L2AdvertisementResource>('l2advertisements')),
    );
  }

  #add<T extends KubernetesObject>(name: string, informer: Cached<T>): Cached<T> {
    const entry: Entry = {
      name,
      informer: informer as unknown as Cached<KubernetesObject>,
      synced: false,
      delayMs: 0,
    };
    this.#informers.push(entry);
    const changed = () => {
      entry.synced = true;
      entry.delayMs = 0;
      this.#connected = true;
      this.#onChange();
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('connect', () => {
      entry.delayMs = 0;
    });
    informer.on('error', (error: unknown) => {
      // stop() aborts every watch, and client-node reports each abort as an error: expected.
      if (this.#stopped) return;
      this.#connected = false;
      entry.delayMs = Math.min(Math.max(entry.delayMs * 2, restartBaseDelayMs), restartMaxDelayMs);
      this.#log.warn(
        { resource: name, err: errorText(error), retryMs: entry.delayMs },
        'informer error; keeping last known state',
      );
      this.#restartLater(entry);
    });
    return informer;
  }

  #restartLater(entry: Entry): void {
    if (this.#stopped) return;
    setTimeout(() => {
      if (this.#stopped) return;
      this.#startOne(entry);
    }, entry.delayMs).unref();
  }

  #startOne(entry: Entry): void {
    entry.informer.start().then(
      () => {
        // The initial list succeeded (even when it held no objects).
        if (!entry.synced) {
          entry.synced = true;
          this.#onChange();
        }
        this.#connected = true;
      },
      (error: unknown) => {
        if (this.#stopped) return;
        this.#connected = false;
        entry.delayMs = Math.min(Math.max(entry.delayMs * 2, restartBaseDelayMs), restartMaxDelayMs);
        this.#log.warn({ resource: entry.name, err: errorText(error) }, 'informer start failed');
        this.#restartLater(entry);
      },
    );
  }

  start(): void {
    for (const entry of this.#informers) this.#startOne(entry);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.allSettled(this.#informers.map((e) => e.informer.stop()));
  }

  /** Every informer has listed at least once. */
  get synced(): boolean {
    return this.#informers.every((e) => e.synced);
  }

  /** The last API interaction succeeded. */
  get connected(): boolean {
    return this.#connected;
  }

  snapshot(): ClusterSnapshot {
    return {
      services: this.services.list(),
      endpointSlices: this.endpointSlices.list(),
      nodes: this.nodes.list(),
      pools: this.pools.list(),
      advertisements: this.advertisements.list(),
    };
  }
}
