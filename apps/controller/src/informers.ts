import {
  type Clock,
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
import type { Logger } from './log.ts';
import type { IpAddressPoolObject } from './pool-status.ts';

export type Informers = {
  readonly services: ObjectStore<Service>;
  readonly pools: ObjectStore<IpAddressPoolObject>;
  readonly namespaces: ObjectStore<Namespace>;
  /** Resolves once every cache has listed successfully. */
  readonly synced: Promise<void>;
  readonly isSynced: () => boolean;
  stop(): Promise<void>;
};

/**
 * Informers on Services (all namespaces), IPAddressPools (one namespace) and Namespaces whose
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
  const services = watch<Service>(client, '/api/v1/services', options, {
    change: (s) => watcher.serviceChanged(s),
    remove: (s) => watcher.serviceDeleted(s),
  });
  const pools = watch<IpAddressPoolObject>(
    client,
    `/apis/metallb.io/v1beta1/namespaces/${options.namespace}/ipaddresspools`,
    options,
    { change: (p) => watcher.poolChanged(p), remove: (p) => watcher.poolChanged(p, true) },
  );
  const namespaces = watch<Namespace>(client, '/api/v1/namespaces', options, {
    change: (n) => watcher.namespaceChanged(n),
    remove: (n) => watcher.namespaceChanged(n, true),
  });
  let synced = false;
  const all = Promise.all([services.synced, pools.synced, namespaces.synced]).then(() => {
    synced = true;
  });
  return {
    services: services.store,
    pools: pools.store,
    namespaces: namespaces.store,
    synced: all,
    isSynced: () => synced,
    stop: async () => {
      await Promise.all([services.stop(), pools.stop(), namespaces.stop()]);
    },
  };
}

function watch<T extends KubeObject>(
  client: WatchClient,
  path: string,
  options: { clock: Clock; log?: Logger },
  handlers: InformerHandlers<T>,
): Informer<T> {
  return startInformer<T>({
    client,
    path,
    clock: options.clock,
    handlers,
    // The cache and the callbacks get the very object listed or watched, without managedFields and
    // kubectl's last-applied copy, never read here.
    listWatch: { transform: dropUnneededFields() },
    ...(options.log ? { log: options.log } : {}),
  });
}
