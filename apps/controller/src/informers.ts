import { type Clock, sleep } from './clock.ts';
import type { ClusterWatcher } from './cluster-watcher.ts';
import type { KubeObject, Namespace, Service } from './kube-types.ts';
import { ListWatch, type WatchClient } from './list-watch.ts';
import type { Logger } from './log.ts';
import type { ObjectStore } from './object-store.ts';
import type { IpAddressPoolObject } from './pool-status.ts';
import { backoffDelayMs } from './work-queue.ts';

/** Restart delays of a broken watch: 0.5 s doubling to 10 s (an API restart takes a few seconds). */
const restartBackoff = { baseDelayMs: 500, maxDelayMs: 10_000 };

export type Informers = {
  readonly services: ObjectStore<Service>;
  readonly pools: ObjectStore<IpAddressPoolObject>;
  readonly namespaces: ObjectStore<Namespace>;
  /** Resolves once every cache has listed successfully. */
  readonly synced: Promise<void>;
  readonly isSynced: () => boolean;
  stop(): Promise<void>;
};

type Watched<T extends KubeObject> = {
  store: ObjectStore<T>;
  synced: Promise<void>;
  stop: () => Promise<void>;
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
  handlers: { change: (object: T) => void; remove: (object: T) => void },
): Watched<T> {
  const informer = new ListWatch<T>(client, path, withoutManagedFields);
  informer.on('add', handlers.change);
  informer.on('update', handlers.change);
  informer.on('delete', handlers.remove);
  const stopping = new AbortController();
  let failures = 0;
  let failedSinceStart = false;
  let lastError = '';
  let resolveSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    while (!stopping.signal.aborted) {
      failedSinceStart = false;
      await informer.start();
      if (!failedSinceStart) {
        failures = 0;
        resolveSynced();
        return;
      }
      failures++;
      const delayMs = backoffDelayMs(restartBackoff, failures);
      options.log?.warn({ path, failures, delayMs, err: lastError }, 'list/watch failed; retrying');
      await sleep(options.clock, delayMs, stopping.signal);
    }
  };
  informer.on('error', (error: unknown) => {
    failedSinceStart = true;
    lastError = error instanceof Error ? error.message : String(error);
    if (stopping.signal.aborted) return;
    options.log?.debug({ err: error, path }, 'watch error');
    // An error after a successful start ends the ListWatch: restart it in the background.
    if (restarting === undefined) {
      restarting = (async () => {
        await sleep(options.clock, backoffDelayMs(restartBackoff, ++failures), stopping.signal);
        await restart();
      })().finally(() => {
        restarting = undefined;
      });
    }
  });
  // One restart loop at a time: an error while a loop runs only makes that loop try again.
  restarting = restart().finally(() => {
    restarting = undefined;
  });
  const first = restarting;
  return {
    store: informer,
    synced,
    stop: async () => {
      stopping.abort();
      await informer.stop();
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 100))]);
    },
  };
}

/**
 * The cache and the callbacks get the very object listed or watched: drop managedFields (often
 * half of an object's JSON, never read here) before anything else sees it.
 */
function withoutManagedFields<T extends KubeObject>(object: T): T {
  const metadata = object.metadata as { managedFields?: unknown };
  // Assigning keeps the object's fast shape (`delete` would turn it into a dictionary).
  if (metadata?.managedFields !== undefined) metadata.managedFields = undefined;
  return object;
}
