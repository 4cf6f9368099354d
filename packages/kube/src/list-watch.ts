import { KubeApiError } from './kube-error.ts';
import type { KubeClient, WatchEvent } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import type { ObjectStore } from './object-store.ts';

/** What a ListWatch needs from the API: a list request and a watch stream. */
export interface WatchClient extends Pick<KubeClient, 'request'> {
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
    onOpen?: () => void,
  ): Promise<void>;
}

type ListObject<T> = { readonly metadata?: { readonly resourceVersion?: string }; readonly items?: T[] };
type Handlers<T> = {
  add: Array<(object: T) => void>;
  update: Array<(object: T) => void>;
  delete: Array<(object: T) => void>;
  error: Array<(error: unknown) => void>;
};

/** Delays before reopening a watch that ended without delivering anything: 1 s doubling to 30 s. */
const quietReopenBaseMs = 1_000;
const quietReopenMaxMs = 30_000;

/**
 * An informer cache over one collection (client-go's reflector + store, the subset we use):
 * lists, then watches from the list's resourceVersion; reopens a watch the server ended from
 * the last resourceVersion seen (bookmarks keep it fresh) and lists again only when that is
 * gone (410). `add` / `update` / `delete` fire for each change (an update only when the
 * resourceVersion differs); a relist deletes what disappeared meanwhile. Any other failure
 * fires `error` and stops; `start()` again resumes from the last resourceVersion.
 *
 * `trim` may shrink each object before it is cached and handed to the callbacks (the cache
 * keeps only what the controller reads).
 */
export class ListWatch<T extends KubeObject> implements ObjectStore<T> {
  readonly #client: WatchClient;
  readonly #path: string;
  readonly #trim: (object: T) => T;
  readonly #handlers: Handlers<T> = { add: [], update: [], delete: [], error: [] };
  #objects = new Map<string, Map<string, T>>();
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(client: WatchClient, path: string, trim: (object: T) => T = (object) => object) {
    this.#client = client;
    this.#path = path;
    this.#trim = trim;
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
    let quietDelayMs = 0;
    while (!signal.aborted) {
      if (this.#resourceVersion === '') {
        const list = await this.#client.request<ListObject<T>>('GET', this.#path, { signal });
        if (signal.aborted) return;
        this.#replace(list.items ?? []);
        this.#resourceVersion = list.metadata?.resourceVersion ?? '';
      }
      let delivered = false;
      // Like client-go: the server ends each watch after 5 to 10 minutes, spreading reconnects.
      const timeoutSeconds = String(300 + Math.floor(Math.random() * 300));
      const watching = this.#client.watch(
        this.#path,
        { resourceVersion: this.#resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds },
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
      quietDelayMs = delivered
        ? 0
        : Math.min(Math.max(quietDelayMs * 2, quietReopenBaseMs), quietReopenMaxMs);
      if (quietDelayMs > 0) await delay(quietDelayMs, signal);
    }
  }

  #apply(event: WatchEvent): void {
    const object = event.object as T & { code?: number };
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.#addOrUpdate(this.#trim(object));
        break;
      case 'DELETED':
        this.#delete(this.#trim(object));
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
    for (const item of items) this.#addOrUpdate(this.#trim(item));
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

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
