import { apiError, asApiError, readText, toJson } from './api-response.ts';
import type { ApiResponse, ApiTransport } from './api-transport.ts';
import { type Clock, sleep, systemClock } from './clock.ts';
import { Http1Transport } from './http1-transport.ts';
import { Http2Transport, Http2UnavailableError } from './http2-transport.ts';
import type { Credentials, KubeConnection, TlsSettings } from './kube-config.ts';
import { ListBodySplitter, type ListMeta } from './list-body-splitter.ts';
import { retryAfterMs } from './retry-after.ts';
import { sameTls } from './same-tls.ts';
import { type RateLimit, TokenBucket } from './token-bucket.ts';

export const ContentType = {
  json: 'application/json',
  mergePatch: 'application/merge-patch+json',
  /** RFC 6902 operations (`[{ op, path, value }]`): edits inside lists, which a merge patch replaces whole. */
  jsonPatch: 'application/json-patch+json',
  /** Server-side apply (a JSON body is valid YAML); needs `fieldManager` in the query. */
  applyPatch: 'application/apply-patch+yaml',
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestOptions = {
  readonly body?: unknown;
  readonly contentType?: ContentType;
  /** Default application/json; kubectl's tables are `application/json;as=Table;v=v1;g=meta.k8s.io`. */
  readonly accept?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
};

/** The one HTTP seam to the Kubernetes API: JSON in, JSON out (text for text endpoints), typed errors. */
export interface KubeClient {
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<T>;
}

/** One line of a watch stream. */
export type WatchEvent = { readonly type: string; readonly object: unknown };

/** Called after every request with its verb and status (0 = unreachable). */
export type RequestObserver = (verb: string, status: number) => void;

export type KubeClientOptions = {
  readonly observe?: RequestObserver;
  /**
   * Client-side budget for requests (watches excluded: they are long-lived). Default 50 qps,
   * burst 100: ten times client-go's 5/10, since a controller writes status for thousands of
   * Services after a restart, yet bounded, so a retry storm never floods the API server.
   */
  readonly rateLimit?: RateLimit;
  readonly clock?: Clock;
  /** How long credentials are reused before the connection is asked again (rotation). */
  readonly credentialsRefreshMs?: number;
  /**
   * A watch silent for this long is treated as broken (a half-open connection the kernel would
   * notice only after many minutes) and fails with status 0, so the caller reopens it from its
   * last resourceVersion. Bookmarks, asked for, keep a healthy quiet watch talking about once a
   * minute; default 90 s.
   */
  readonly watchIdleTimeoutMs?: number;
  /** Per-request idle deadline: a hung API server must not stall a worker forever. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Retries of one request answered 429 Too Many Requests (client-go: 10). */
  readonly maxThrottleRetries?: number;
};

export const defaultRateLimit: RateLimit = { qps: 50, burst: 100 };
const defaultCredentialsRefreshMs = 30_000;
const defaultRequestTimeoutMs = 30_000;
const defaultWatchIdleTimeoutMs = 90_000;

/**
 * KubeClient over node:http2 (one TLS connection for everything; HTTP/1.1 keep-alive agents for
 * plain-http servers, through proxies, and for servers that refuse h2 — api-transport.ts).
 * client-node's generated clients open a fresh TLS connection per request; node's own modules
 * rather than undici: the TLS stack is loaded anyway, undici adds about 17 MB. Every request
 * waits for the rate limiter, honours 429 + Retry-After, and is retried once with freshly read
 * credentials after a 401 (a rotated token). When the TLS material changes (a rotated client
 * certificate or CA), new connections use it.
 */
export class HttpKubeClient implements KubeClient {
  readonly #connection: KubeConnection;
  readonly #server: string;
  readonly #secure: boolean;
  readonly #observe: RequestObserver | undefined;
  readonly #clock: Clock;
  readonly #limiter: TokenBucket;
  readonly #refreshMs: number;
  readonly #watchIdleMs: number;
  readonly #requestTimeoutMs: number;
  readonly #maxThrottleRetries: number;
  #transport: ApiTransport | undefined;
  /** The server refused h2: HTTP/1.1 from then on. */
  #http1Only: boolean;
  #tls: TlsSettings | undefined;
  #headers: Credentials['headers'] = {};
  #credentialsAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<ApiTransport> | undefined;
  /** Transports replaced after a TLS change, still serving exchanges (watches) opened before it. */
  readonly #retired = new Set<ApiTransport>();

  constructor(connection: KubeConnection, options: KubeClientOptions | RequestObserver = {}) {
    const opts = typeof options === 'function' ? { observe: options } : options;
    this.#connection = connection;
    this.#server = connection.server.replace(/\/+$/, '');
    this.#secure = !this.#server.startsWith('http://');
    this.#http1Only = !this.#secure || connection.proxy !== undefined;
    this.#observe = opts.observe;
    this.#clock = opts.clock ?? systemClock;
    this.#limiter = new TokenBucket(opts.rateLimit ?? defaultRateLimit, this.#clock);
    this.#refreshMs = opts.credentialsRefreshMs ?? defaultCredentialsRefreshMs;
    this.#watchIdleMs = opts.watchIdleTimeoutMs ?? defaultWatchIdleTimeoutMs;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.#maxThrottleRetries = opts.maxThrottleRetries ?? 10;
  }

  /** The transport with current credentials; `force` re-reads them now (after a 401). */
  #prepare(force = false): Promise<ApiTransport> {
    if (!force && this.#transport && this.#clock.now() - this.#credentialsAt < this.#refreshMs)
      return Promise.resolve(this.#transport);
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<ApiTransport> {
    const { headers, tls } = await this.#connection.credentials();
    this.#headers = headers;
    this.#credentialsAt = this.#clock.now();
    if (this.#transport && this.#tls && sameTls(this.#tls, tls)) return this.#transport;
    // New TLS material: new connections use it; idle old ones close, busy ones finish.
    this.#tls = tls;
    return this.#replaceTransport();
  }

  #replaceTransport(): ApiTransport {
    const old = this.#transport;
    this.#transport = this.#http1Only
      ? new Http1Transport(this.#secure, this.#tls ?? {}, this.#connection.proxy)
      : new Http2Transport(new URL(this.#server).origin, this.#tls ?? {});
    if (old) {
      // Two replacements back: whatever still runs there (a watch) is older than a rotation
      // period and ends now, to reconnect with the current material.
      for (const transport of this.#retired) transport.destroy();
      this.#retired.clear();
      old.retire();
      this.#retired.add(old);
    }
    return this.#transport;
  }

  /**
   * Sends until the answer is neither 429 (waits Retry-After, up to maxThrottleRetries times) nor
   * a first 401 (re-reads credentials once). Non-2xx answers after that are returned, not thrown.
   */
  async #exchange(
    method: Method,
    path: string,
    query: Readonly<Record<string, string>>,
    options: {
      body: string | null;
      contentType?: string;
      accept?: string;
      signal?: AbortSignal;
      watch: boolean;
    },
  ): Promise<ApiResponse> {
    const url = new URL(this.#server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    let reauthenticated = false;
    for (let throttled = 0; ; ) {
      if (!options.watch) await this.#limiter.take(options.signal);
      options.signal?.throwIfAborted();
      const transport = await this.#prepare();
      const headers: Record<string, string | readonly string[]> = {
        ...this.#headers,
        accept: options.accept ?? 'application/json',
      };
      if (options.body !== null) {
        headers['content-type'] = options.contentType ?? ContentType.json;
        headers['content-length'] = String(Buffer.byteLength(options.body));
      }
      let response: ApiResponse;
      try {
        response = await transport.send({
          url,
          method,
          headers,
          body: options.body,
          idleTimeoutMs: options.watch ? this.#watchIdleMs : this.#requestTimeoutMs,
          watch: options.watch,
          signal: options.signal,
        });
      } catch (error) {
        if (!(error instanceof Http2UnavailableError)) throw error;
        // Only HTTP/2 fails this way, so this happens once per client (a rotation may have
        // replaced the transport meanwhile: it is HTTP/2 too, and goes as well).
        this.#http1Only = true;
        if (!(this.#transport instanceof Http1Transport)) this.#replaceTransport();
        continue;
      }
      const status = response.status;
      if (status === 429 && throttled < this.#maxThrottleRetries) {
        throttled++;
        response.body.resume();
        this.#observe?.(options.watch ? 'WATCH' : method, status);
        await sleep(this.#clock, retryAfterMs(response.headers['retry-after']), options.signal);
        continue;
      }
      if (status === 401 && !reauthenticated) {
        reauthenticated = true;
        response.body.resume();
        this.#observe?.(options.watch ? 'WATCH' : method, status);
        await this.#prepare(true);
        continue;
      }
      return response;
    }
  }

  /**
   * Streams the watch at `path`: `onOpen` is called once the server accepted it (200), then
   * `onEvent` gets each event in order. Resolves when the server ends the stream; rejects with a
   * KubeApiError (status 0: unreachable, broken or idle stream).
   */
  async watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    let status = 0;
    try {
      const head = await this.#exchange(
        'GET',
        path,
        { ...query, watch: 'true' },
        { body: null, ...(signal ? { signal } : {}), watch: true },
      );
      status = head.status;
      if (status !== 200) throw apiError('GET', path, status, await readText(head.body));
      onOpen?.();
      head.body.setEncoding('utf8');
      let pending = '';
      for await (const chunk of head.body as AsyncIterable<string>) {
        pending += chunk;
        let end = pending.indexOf('\n');
        while (end >= 0) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 1);
          if (line.trim() !== '') onEvent(JSON.parse(line) as WatchEvent);
          end = pending.indexOf('\n');
        }
      }
      if (pending.trim() !== '') onEvent(JSON.parse(pending) as WatchEvent);
    } catch (error) {
      throw asApiError('GET', path, error);
    } finally {
      this.#observe?.('WATCH', status);
    }
  }

  /**
   * One page of a List, its items parsed as the body streams in and handed to `onItem` one by
   * one. Resolves with the list's resourceVersion and continue token.
   */
  async listPage(
    path: string,
    query: Readonly<Record<string, string>>,
    onItem: (item: unknown) => void,
    signal?: AbortSignal,
  ): Promise<ListMeta> {
    let status = 0;
    try {
      const head = await this.#exchange('GET', path, query, {
        body: null,
        ...(signal ? { signal } : {}),
        watch: false,
      });
      status = head.status;
      if (status < 200 || status >= 300) throw apiError('GET', path, status, await readText(head.body));
      const splitter = new ListBodySplitter(onItem);
      head.body.setEncoding('utf8');
      for await (const chunk of head.body as AsyncIterable<string>) splitter.write(chunk);
      return splitter.end();
    } catch (error) {
      throw asApiError('GET', path, error);
    } finally {
      this.#observe?.('LIST', status);
    }
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    let status = 0;
    try {
      const body = options.body === undefined ? null : toJson(options.body);
      const head = await this.#exchange(method, path, options.query ?? {}, {
        body,
        ...(options.contentType ? { contentType: options.contentType } : {}),
        ...(options.accept ? { accept: options.accept } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        watch: false,
      });
      status = head.status;
      const text = await readText(head.body);
      if (status >= 200 && status < 300) return parseBody(text, head.headers['content-type']) as T;
      throw apiError(method, path, status, text);
    } catch (error) {
      throw asApiError(method, path, error);
    } finally {
      this.#observe?.(method, status);
    }
  }

  async close(): Promise<void> {
    this.#transport?.destroy();
    for (const transport of this.#retired) transport.destroy();
    this.#retired.clear();
  }
}

/** JSON answers parsed; a plain-text one (`/readyz`, `/livez`) as its text. */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType !== undefined && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) return text;
  return JSON.parse(text);
}
