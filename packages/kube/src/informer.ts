import { Backoff, type BackoffOptions } from './backoff.ts';
import { type Clock, sleep } from './clock.ts';
import type { KubeObject } from './kube-types.ts';
import { ListWatch, type ListWatchOptions, type WatchClient } from './list-watch.ts';
import type { Logger } from './logger.ts';
import type { ObjectStore } from './object-store.ts';

/** Restart delays of a broken list or watch: 0.5 s doubling to 10 s (an API restart takes a few seconds), jittered. */
export const informerRestartBackoff: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 10_000 };

export type InformerHandlers<T> = {
  /** Added or updated; callbacks should only enqueue. */
  readonly change: (object: T) => void;
  readonly remove: (object: T) => void;
};

export type Informer<T> = {
  readonly store: ObjectStore<T>;
  /** Resolves once the first list succeeded and the watch is open. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
};

/**
 * A ListWatch that never gives up: a list or watch that fails is restarted with jittered backoff
 * (from its last resourceVersion while that is still valid), so an API outage never ends the
 * process and the nodes of a cluster do not all come back at the same instant.
 */
export function startInformer<T extends KubeObject>(options: {
  readonly client: WatchClient;
  readonly path: string;
  readonly clock: Clock;
  readonly handlers: InformerHandlers<T>;
  readonly listWatch?: ListWatchOptions<T>;
  readonly log?: Logger;
  readonly backoff?: BackoffOptions;
  /** Called for every failed list or watch (the informer retries on its own). */
  readonly onError?: (error: unknown) => void;
}): Informer<T> {
  const { path, clock, handlers, log } = options;
  const informer = new ListWatch<T>(options.client, path, options.listWatch);
  informer.on('add', handlers.change);
  informer.on('update', handlers.change);
  informer.on('delete', handlers.remove);
  const stopping = new AbortController();
  const backoff = new Backoff(options.backoff ?? informerRestartBackoff);
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
        backoff.succeeded();
        resolveSynced();
        return;
      }
      const delayMs = backoff.failed();
      log?.warn({ path, failures: backoff.failures, delayMs, err: lastError }, 'list/watch failed; retrying');
      await sleep(clock, delayMs, stopping.signal);
    }
  };
  informer.on('error', (error: unknown) => {
    failedSinceStart = true;
    lastError = error instanceof Error ? error.message : String(error);
    if (stopping.signal.aborted) return;
    options.onError?.(error);
    log?.debug({ err: error, path }, 'watch error');
    // An error after a successful start ends the ListWatch: restart it in the background.
    if (restarting === undefined) {
      restarting = (async () => {
        await sleep(clock, backoff.failed(), stopping.signal);
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
