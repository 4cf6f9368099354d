/**
 * Informers on Services, EndpointSlices, Nodes, IPAddressPools, L2Advertisements and, started
 * separately for BGP mode, the BGP kinds (BGPPeers, BGPAdvertisements, Communities, BFDProfiles)
 * and the Secrets of the speaker's own namespace (BGPPeer passwordSecret; no other namespace) over
 * @baremetal-lb/kube: paginated lists parsed as they stream, each object cut down to what the
 * speaker reads, watches with an idle watchdog. Callbacks only signal "something changed"; the
 * speaker reads the caches. When the API server is unreachable the caches keep their last
 * contents (the speaker keeps announcing from them) and each informer restarts with jittered
 * backoff.
 */
import {
  type Clock,
  dropUnneededFields,
  type EndpointSlice,
  type Informer,
  type KubeObject,
  type ListWatchOptions,
  type Node,
  type ObjectStore,
  type Service,
  startInformer,
  type WatchClient,
} from '@baremetal-lb/kube';
import type { Logger } from 'pino';
import { errorText } from '../observe/error-text.ts';
import type { ClusterObjects } from './build-speaker-state.ts';
import {
  type BgpResource,
  bgpPeerVersion,
  type IpAddressPoolResource,
  type L2AdvertisementResource,
  metallbGroup,
  metallbVersion,
  type SecretResource,
} from './metallb-resources.ts';
import { slimEndpointSlice, slimNode, slimSecret, slimService } from './slim-objects.ts';

/** Restart delays after an informer error: 250 ms doubling to 4 s, so an API server back from an outage is noticed within 4 s. */
const restartBackoff = { baseDelayMs: 250, maxDelayMs: 4_000 };

export type ClusterSnapshot = ClusterObjects & {
  readonly pools: readonly IpAddressPoolResource[];
  readonly advertisements: readonly L2AdvertisementResource[];
  readonly bgpPeers: readonly BgpResource[];
  readonly bgpAdvertisements: readonly BgpResource[];
  readonly communities: readonly BgpResource[];
  readonly bfdProfiles: readonly BgpResource[];
  readonly secrets: readonly SecretResource[];
};

type Entry = { readonly informer: Informer<KubeObject>; synced: boolean };

export class ClusterCache {
  readonly #client: WatchClient;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #onChange: () => void;
  readonly #entries: Entry[] = [];
  readonly #starts: Array<() => Entry> = [];
  /** BGP mode's informers: started by startBgp, once layer 2 is up (see run-speaker.ts). */
  readonly #bgpEntries: Entry[] = [];
  readonly #bgpStarts: Array<() => Entry> = [];
  #connected = false;
  services: ObjectStore<Service> = emptyStore();
  endpointSlices: ObjectStore<EndpointSlice> = emptyStore();
  nodes: ObjectStore<Node> = emptyStore();
  pools: ObjectStore<IpAddressPoolResource> = emptyStore();
  advertisements: ObjectStore<L2AdvertisementResource> = emptyStore();
  bgpPeers: ObjectStore<BgpResource> = emptyStore();
  bgpAdvertisements: ObjectStore<BgpResource> = emptyStore();
  communities: ObjectStore<BgpResource> = emptyStore();
  bfdProfiles: ObjectStore<BgpResource> = emptyStore();
  secrets: ObjectStore<SecretResource> = emptyStore();

  constructor(client: WatchClient, namespace: string, clock: Clock, log: Logger, onChange: () => void) {
    this.#client = client;
    this.#clock = clock;
    this.#log = log;
    this.#onChange = onChange;
    const crPath = (plural: string, version = metallbVersion) =>
      `/apis/${metallbGroup}/${version}/namespaces/${namespace}/${plural}`;
    const slim = { transform: dropUnneededFields() };
    this.#starts.push(
      () => this.#watch('/api/v1/services', { transform: slimService }, (s) => (this.services = s)),
      () =>
        this.#watch('/apis/discovery.k8s.io/v1/endpointslices', { transform: slimEndpointSlice }, (s) => {
          this.endpointSlices = s;
        }),
      () => this.#watch('/api/v1/nodes', { transform: slimNode }, (s) => (this.nodes = s)),
      () =>
        this.#watch<IpAddressPoolResource>(
          crPath('ipaddresspools'),
          { transform: dropUnneededFields() },
          (s) => {
            this.pools = s;
          },
        ),
      () =>
        this.#watch<L2AdvertisementResource>(
          crPath('l2advertisements'),
          { transform: dropUnneededFields() },
          (s) => {
            this.advertisements = s;
          },
        ),
    );
    this.#bgpStarts.push(
      () => this.#watch<BgpResource>(crPath('bgppeers', bgpPeerVersion), slim, (s) => (this.bgpPeers = s)),
      () =>
        this.#watch<BgpResource>(crPath('bgpadvertisements'), slim, (s) => {
          this.bgpAdvertisements = s;
        }),
      () => this.#watch<BgpResource>(crPath('communities'), slim, (s) => (this.communities = s)),
      () => this.#watch<BgpResource>(crPath('bfdprofiles'), slim, (s) => (this.bfdProfiles = s)),
      () =>
        this.#watch<SecretResource>(
          `/api/v1/namespaces/${namespace}/secrets`,
          { transform: slimSecret },
          (s) => (this.secrets = s),
        ),
    );
  }

  #watch<T extends KubeObject>(
    path: string,
    listWatch: ListWatchOptions<T>,
    publish: (store: ObjectStore<T>) => void,
  ): Entry {
    const changed = () => {
      this.#connected = true;
      this.#onChange();
    };
    const informer = startInformer<T>({
      client: this.#client,
      path,
      clock: this.#clock,
      handlers: { change: changed, remove: changed },
      listWatch,
      backoff: restartBackoff,
      onError: (error) => {
        this.#connected = false;
        this.#log.warn({ resource: path, err: errorText(error) }, 'informer error; keeping last known state');
      },
    });
    publish(informer.store);
    const entry: Entry = { informer: informer as unknown as Informer<KubeObject>, synced: false };
    void informer.synced.then(() => {
      // The initial list succeeded (even when it held no objects).
      entry.synced = true;
      this.#connected = true;
      this.#onChange();
    });
    return entry;
  }

  start(): void {
    for (const start of this.#starts.splice(0)) this.#entries.push(start());
  }

  /** Starts the informers of BGP mode (BGP kinds and Secrets); `bgpSynced` tells when they listed. */
  startBgp(): void {
    for (const start of this.#bgpStarts.splice(0)) this.#bgpEntries.push(start());
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.#entries, ...this.#bgpEntries].map((e) => e.informer.stop()));
  }

  /** Every informer has listed at least once. */
  get synced(): boolean {
    return this.#entries.length > 0 && this.#entries.every((e) => e.synced);
  }

  /** Every informer of BGP mode has listed at least once. */
  get bgpSynced(): boolean {
    return this.#bgpEntries.length > 0 && this.#bgpEntries.every((e) => e.synced);
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
      bgpPeers: this.bgpPeers.list(),
      bgpAdvertisements: this.bgpAdvertisements.list(),
      communities: this.communities.list(),
      bfdProfiles: this.bfdProfiles.list(),
      secrets: this.secrets.list(),
    };
  }
}

function emptyStore<T>(): ObjectStore<T> {
  return { get: () => undefined, list: () => [] };
}
