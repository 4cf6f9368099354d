import { Backoff } from './backoff.ts';
import { sleep, systemClock } from './clock.ts';
import type { HttpKubeClient, WatchEvent } from './kube-client.ts';
import { KubeApiError } from './kube-error.ts';
import type { KubeObject } from './kube-types.ts';
import type { ObjectStore } from './object-store.ts';

/** What a ListWatch needs from the API: pages of a list and a watch stream. */
export interface WatchClient extends Pick<HttpKubeClient, 'listPage'> {
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
    onOpen?: () => void,
  ): Promise<void>;
}

export type ListWatchOptions<T> = {
  /**
   * Shrinks each object before it is cached and handed to the callbacks, so the cache keeps only
   * what its user reads (see dropUnneededFields). Default: the object as the server sent it.
   */
  readonly transform?: (object: T) => T;
  /**
   * Objects per list page (`limit`): a list of thousands of objects arrives in pages, each parsed
   * as it streams, never as one body. Default 500, client-go's pager size.
   */
  readonly pageSize?: number;
  /** labelSelector / fieldSelector, applied to the list and the watch. */
  readonly selectors?: { readonly labelSelector?: string; readonly fieldSelector?: string };
};
type Handlers<T> = {
  add: Array<(object: T) => void>;
  update: Array<(object: T) => void>;
  delete: Array<(object: T) => void>;
  error: Array<(error: unknown) => void>;
};

/** Delays before reopening a watch that ended without delivering anything: 1 s doubling to 30 s. */
const quietReopenBackoff = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
const defaultPageSize = 500;

/**
 * An informer cache over one collection (client-go's reflector + store, the subset we use):
 * lists, then watches from the list's resourceVersion; reopens a watch the server ended from
 * the last resourceVersion seen (bookmarks keep it fresh) and lists again only when that is
 * gone (410). `add` / `update` / `delete` fire for each change (an update only when the
 * resourceVersion differs); a relist deletes what disappeared meanwhile. Any other failure
 * fires `error` and stops; `start()` again resumes from the last resourceVersion.
 *
 * Lists are paginated (`limit` / `continue`); a continue token that expired (410) restarts the
 * list. Watches ask for bookmarks and a server-side timeout of 5 to 10 minutes; the client's idle
 * watchdog fails a silent watch, which `start()` then resumes from the last resourceVersion.
 */
export class ListWatch<T extends KubeObject> implements ObjectStore<T> {
  readonly #client: WatchClient;
  readonly #path: string;
  readonly #transform: (object: T) => T;
  readonly #pageSize: number;
  readonly #selectors: Readonly<Record<string, string>>;
  readonly #handlers: Handlers<T> = { add: [], update: [], delete: [], error: [] };
  #objects = new Map<string, Map<string, T>>();
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(client: WatchClient, path: string, options: ListWatchOptions<T> = {}) {
    this.#client = client;
    this.#path = path;
    this.#transform = options.transform ?? ((object) => object);
    this.#pageSize = options.pageSize ?? defaultPageSize;
    this.#selectors = Object.fromEntries(
      Object.entries(options.selectors ?? {}).filter(([, value]) => value !== undefined && value !== ''),
    ) as Record<string, string>;
  }

  on(verb: 'add' | 'update' | 'delete', handler: (object: T) => void): void;
  on(verb: 'error', handler: (error: unknown) => void): void;
  on(verb: keyof Handlers<T>, handler: (value: never) => void): void {
    (this.#handlers[verb] as Array<(value: never) => void>).push(handler);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? '')?.get(name);
  }

  list(namespace?: string): ReadonlyArray<T> {
    if (namespace) return [...(this.#objects.get(namespace)?.values() ?? [])];
    const all: T[] = [];
    for (const objects of this.#objects.values()) all.push(...objects.values());
    return all;
  }

  latestResourceVersion(): string {
    return this.#resourceVersion;
  }

  /**
   * Lists (when there is no resourceVersion to resume from) and opens the watch. Resolves once
   * the watch is open, or after `error` fired for a failed list or watch.
   */
  async start(): Promise<void> {
    this.#stopWatch();
    const abort = new AbortController();
    this.#abort = abort;
    let opened!: () => void;
    const started = new Promise<void>((resolve) => {
      opened = resolve;
    });
    this.#running = this.#run(abort.signal, opened).then(
      () => opened(),
      (error: unknown) => {
        opened();
        if (!abort.signal.aborted) for (const handler of this.#handlers.error) handler(error);
      },
    );
    await started;
  }

  async stop(): Promise<void> {
    this.#stopWatch();
    await this.#running;
  }

  #stopWatch(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }

  async #run(signal: AbortSignal, opened: () => void): Promise<void> {
    const quiet = new Backoff(quietReopenBackoff);
    while (!signal.aborted) {
      if (this.#resourceVersion === '') {
        const { items, resourceVersion } = await this.#list(signal);
        if (signal.aborted) return;
        this.#replace(items);
        this.#resourceVersion = resourceVersion;
      }
      let delivered = false;
      // Like client-go: the server ends each watch after 5 to 10 minutes, spreading reconnects.
      const timeoutSeconds = String(300 + Math.floor(Math.random() * 300));
      const watching = this.#client.watch(
        this.#path,
        {
          ...this.#selectors,
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: 'true',
          timeoutSeconds,
        },
        (event) => {
          if (signal.aborted) return;
          delivered = true;
          this.#apply(event);
        },
        signal,
        opened,
      );
      try {
        await watching;
      } catch (error) {
        if (signal.aborted) return;
        // 410 Gone: our resourceVersion is too old to resume from; list again.
        if (error instanceof KubeApiError && error.status === 410) {
          this.#resourceVersion = '';
          continue;
        }
        throw error;
      }
      // The server ended the watch normally: reopen it, pausing only when it delivered nothing.
      if (delivered) quiet.succeeded();
      else await sleep(systemClock, quiet.failed(), signal);
    }
  }

  /**
   * All pages of the list, each object transformed as it is parsed. All pages come from one
   * snapshot (the first page's resourceVersion); an expired continue token lists again.
   */
  async #list(signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> {
    for (;;) {
      const items: T[] = [];
      let resourceVersion = '';
      let token = '';
      try {
        do {
          const query = {
            ...this.#selectors,
            limit: String(this.#pageSize),
            ...(token ? { continue: token } : {}),
          };
          const page = await this.#client.listPage(
            this.#path,
            query,
            (item) => items.push(this.#transform(item as T)),
            signal,
          );
          resourceVersion ||= page.resourceVersion;
          token = page.continue;
        } while (token !== '' && !signal.aborted);
        return { items, resourceVersion };
      } catch (error) {
        if (token !== '' && error instanceof KubeApiError && error.status === 410 && !signal.aborted)
          continue;
        throw error;
      }
    }
  }

  #apply(event: WatchEvent): void {
    const object = event.object as T & { code?: number };
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.#addOrUpdate(this.#transform(object));
        break;
      case 'DELETED':
        this.#delete(this.#transform(object));
        break;
      case 'ERROR':
        // A Status inside the stream; 410 means list again once the server closes the stream.
        if (object.code === 410) this.#resourceVersion = '';
        return;
      default:
        // BOOKMARK: only the resourceVersion below.
        break;
    }
    this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
  }

  /** A fresh list: add or update everything listed, delete what is no longer there. */
  #replace(items: readonly T[]): void {
    const listed = new Set(items.map((item) => `${item.metadata.namespace ?? ''}/${item.metadata.name}`));
    for (const object of this.list()) {
      if (!listed.has(`${object.metadata.namespace ?? ''}/${object.metadata.name}`)) this.#delete(object);
    }
    for (const item of items) this.#addOrUpdate(item);
  }

  #addOrUpdate(object: T): void {
    const namespace = object.metadata.namespace ?? '';
    let objects = this.#objects.get(namespace);
    if (!objects) {
      objects = new Map();
      this.#objects.set(namespace, objects);
    }
    const found = objects.get(object.metadata.name);
    if (found && found.metadata.resourceVersion === object.metadata.resourceVersion) return;
    objects.set(object.metadata.name, object);
    for (const handler of found ? this.#handlers.update : this.#handlers.add) handler(object);
  }

  /** Handlers get the object's final state from a watch event, the last one cached on a relist. */
  #delete(object: T): void {
    const namespace = object.metadata.namespace ?? '';
    const objects = this.#objects.get(namespace);
    if (!objects?.has(object.metadata.name)) return;
    objects.delete(object.metadata.name);
    if (objects.size === 0) this.#objects.delete(namespace);
    for (const handler of this.#handlers.delete) handler(object);
  }
}
