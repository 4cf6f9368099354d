import {
  type Clock,
  type DropOptions,
  dropUnneededFields,
  type Informer,
  type InformerHandlers,
  type KubeObject,
  type Namespace,
  type ObjectStore,
  type Service,
  startInformer,
  type WatchClient,
} from '@baremetal-lb/kube';
import type { ClusterWatcher } from './cluster-watcher.ts';
import { type ConfigObject, configPath, type StatusKind, statusKinds } from './config-status.ts';
import type { Logger } from './log.ts';
import type { IpAddressPoolObject } from './pool-status.ts';
import { annotationPrefix, deprecatedAnnotationPrefix } from './service-translation.ts';

/**
 * The cached Services keep only the annotations the controller reads (MetalLB's, under both
 * prefixes): Helm's and other tools' annotations are never looked at, yet would be kept for
 * every Service of the cluster.
 */
export const serviceAnnotationsKept: readonly string[] = [annotationPrefix, deprecatedAnnotationPrefix];

export type Informers = {
  readonly services: ObjectStore<Service>;
  readonly pools: ObjectStore<IpAddressPoolObject>;
  readonly namespaces: ObjectStore<Namespace>;
  /** L2Advertisements, BGPPeers, BGPAdvertisements, Communities and BFDProfiles (one namespace). */
  readonly configObjects: ReadonlyMap<StatusKind, ObjectStore<ConfigObject>>;
  /** Resolves once every cache has listed successfully. */
  readonly synced: Promise<void>;
  readonly isSynced: () => boolean;
  stop(): Promise<void>;
};

/**
 * Informers on Services (all namespaces), the metallb.io objects (one namespace) and Namespaces whose
 * callbacks only hand objects to `watcher` (which enqueues keys). Lists go through our own
 * KubeClient (raw JSON, like watch events); a watch that fails is restarted with backoff, so an
 * API outage never ends the process.
 */
export function startInformers(options: {
  client: WatchClient;
  namespace: string;
  watcher: ClusterWatcher;
  clock: Clock;
  log?: Logger;
}): Informers {
  const { client, watcher } = options;
  const services = watch<Service>(
    client,
    '/api/v1/services',
    options,
    { change: (s) => watcher.serviceChanged(s), remove: (s) => watcher.serviceDeleted(s) },
    { keepAnnotations: serviceAnnotationsKept },
  );
  const pools = watch<IpAddressPoolObject>(client, configPath('IPAddressPool', options.namespace), options, {
    change: (p) => watcher.poolChanged(p),
    remove: (p) => watcher.poolChanged(p, true),
  });
  const namespaces = watch<Namespace>(client, '/api/v1/namespaces', options, {
    change: (n) => watcher.namespaceChanged(n),
    remove: (n) => watcher.namespaceChanged(n, true),
  });
  const others = statusKinds.map((kind) =>
    watch<ConfigObject>(client, configPath(kind, options.namespace), options, {
      change: (o) => watcher.configObjectChanged(kind, o),
      remove: (o) => watcher.configObjectChanged(kind, o, true),
    }),
  );
  const informers = [services, pools, namespaces, ...others];
  let synced = false;
  const all = Promise.all(informers.map((informer) => informer.synced)).then(() => {
    synced = true;
  });
  return {
    services: services.store,
    pools: pools.store,
    namespaces: namespaces.store,
    configObjects: new Map(statusKinds.map((kind, index) => [kind, others[index]!.store])),
    synced: all,
    isSynced: () => synced,
    stop: async () => {
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}

function watch<T extends KubeObject>(
  client: WatchClient,
  path: string,
  options: { clock: Clock; log?: Logger },
  handlers: InformerHandlers<T>,
  drop: DropOptions = {},
): Informer<T> {
  return startInformer<T>({
    client,
    path,
    clock: options.clock,
    handlers,
    // The cache and the callbacks get the very object listed or watched, without managedFields and
    // kubectl's last-applied copy (or, with `drop.keepAnnotations`, any annotation not kept).
    listWatch: { transform: dropUnneededFields(drop) },
    ...(options.log ? { log: options.log } : {}),
  });
}
