import { Agent, request } from 'undici';
import { KubeApiError } from './errors.ts';
import type { KubeConnection } from './kube-config.ts';

export const ContentType = {
  json: 'application/json',
  mergePatch: 'application/merge-patch+json',
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export type RequestOptions = {
  readonly body?: unknown;
  readonly contentType?: ContentType;
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
};

/** The one HTTP seam to the Kubernetes API: JSON in, JSON out, typed errors. */
export interface KubeClient {
  request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: RequestOptions,
  ): Promise<T>;
}

/** One line of a watch stream. */
export type WatchEvent = { readonly type: string; readonly object: unknown };

/** Called after every request with its verb and status (0 = unreachable). */
export type RequestObserver = (verb: string, status: number) => void;

/** How long authentication headers are reused before the kubeconfig is asked again (token rotation). */
const authRefreshMs = 30_000;
/** Per-request deadline: a hung API server must not stall a worker forever. */
const requestTimeoutMs = 30_000;
/**
 * A watch with no data for this long is treated as broken and reopened from its last
 * resourceVersion (bookmarks, asked for, keep a healthy quiet watch talking).
 */
const watchIdleTimeoutMs = 90_000;

/**
 * KubeClient over one keep-alive undici Agent. (client-node's generated clients build a fresh
 * dispatcher, hence a fresh TLS connection, per request; at thousands of writes that dominates.)
 */
export class HttpKubeClient implements KubeClient {
  readonly #connection: KubeConnection;
  readonly #server: string;
  readonly #observe: RequestObserver | undefined;
  #agent: Agent | undefined;
  /** Long-lived watches get their own pool, so they never hold a connection the writers need. */
  #watchAgent: Agent | undefined;
  #headers: Record<string, string> = {};
  #headersAt = Number.NEGATIVE_INFINITY;

  constructor(connection: KubeConnection, observe?: RequestObserver) {
    this.#connection = connection;
    this.#server = connection.server.replace(/\/+$/, '');
    this.#observe = observe;
  }

  async #prepare(): Promise<Agent> {
    if (this.#agent && Date.now() - this.#headersAt < authRefreshMs) return this.#agent;
    const { headers, tls } = await this.#connection.credentials();
    this.#headers = { ...headers };
    this.#headersAt = Date.now();
    this.#agent ??= new Agent({ connect: { ...tls }, keepAliveTimeout: 30_000, connections: 32 });
    this.#watchAgent ??= new Agent({ connect: { ...tls }, keepAliveTimeout: 30_000 });
    return this.#agent;
  }

  /**
   * Streams the watch at `path`: `onOpen` is called once the server accepted it (200), then
   * `onEvent` gets each event in order. Resolves when the server
   * ends the stream; rejects with a KubeApiError (status 0: unreachable, broken or idle stream).
   */
  async watch(
    path: string,
    query: Readonly<Record<string, string>>,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    const url = new URL(this.#server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    url.searchParams.set('watch', 'true');
    let status = 0;
    try {
      await this.#prepare();
      const response = await request(url, {
        method: 'GET',
        headers: { ...this.#headers, accept: 'application/json' },
        dispatcher: this.#watchAgent!,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: watchIdleTimeoutMs,
        ...(signal ? { signal } : {}),
      });
      status = response.statusCode;
      if (status !== 200) throw apiError('GET', path, status, await response.body.text());
      onOpen?.();
      response.body.setEncoding('utf8');
      let pending = '';
      for await (const chunk of response.body as AsyncIterable<string>) {
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
      if (error instanceof KubeApiError) throw error;
      throw new KubeApiError('GET', path, 0, '', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    } finally {
      this.#observe?.('WATCH', status);
    }
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const url = new URL(this.#server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    let status = 0;
    try {
      const dispatcher = await this.#prepare();
      const headers: Record<string, string> = { ...this.#headers, accept: 'application/json' };
      let body: string | null = null;
      if (options.body !== undefined) {
        body = toJson(options.body);
        headers['content-type'] = options.contentType ?? ContentType.json;
      }
      // undici's own timeouts rather than AbortSignal.timeout(): a timeout signal lives (and keeps
      // the request reachable) until it fires, which at hundreds of requests/s is hundreds of MB.
      const response = await request(url, {
        method,
        headers,
        body,
        dispatcher,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      status = response.statusCode;
      const text = await response.body.text();
      if (status >= 200 && status < 300) return (text === '' ? undefined : JSON.parse(text)) as T;
      throw apiError(method, path, status, text);
    } catch (error) {
      if (error instanceof KubeApiError) throw error;
      throw new KubeApiError(method, path, 0, '', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    } finally {
      this.#observe?.(method, status);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#agent?.close(), this.#watchAgent?.close()]);
  }
}

/** The error for a non-2xx answer, with the reason and message of its Status body if it has one. */
function apiError(method: string, path: string, status: number, text: string): KubeApiError {
  let reason = '';
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? '';
    message = parsed.message ?? message;
  } catch {
    // Not a Status object (a proxy error page, say); keep the raw text.
  }
  return new KubeApiError(method, path, status, reason, message);
}

/** JSON.stringify that writes bigints as plain JSON integers (int64 status fields beyond 2^53). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `\u0000bigint:${item}` : item,
  ).replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
