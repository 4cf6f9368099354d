import http from 'node:http';
import https from 'node:https';
import { KubeApiError } from './kube-error.ts';
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
/** Per-request idle deadline: a hung API server must not stall a worker forever. */
const requestTimeoutMs = 30_000;
/** Connections for writes and lists (the default --workers keeps this many requests in flight). */
const maxConnections = 32;
/**
 * A watch with no data for this long is treated as broken and reopened from its last
 * resourceVersion (bookmarks, asked for, keep a healthy quiet watch talking).
 */
const watchIdleTimeoutMs = 90_000;

/**
 * KubeClient over keep-alive node:https agents. (client-node's generated clients build a fresh
 * dispatcher, hence a fresh TLS connection, per request; at thousands of writes that dominates.
 * node:https rather than undici: the TLS stack is loaded anyway, undici adds about 17 MB.)
 */
export class HttpKubeClient implements KubeClient {
  readonly #connection: KubeConnection;
  readonly #server: string;
  readonly #secure: boolean;
  readonly #observe: RequestObserver | undefined;
  /** Writes and lists share 32 connections; long-lived watches get their own pool, so they never hold one the writers need. */
  #agents: { readonly requests: http.Agent; readonly watches: http.Agent } | undefined;
  #headers: Record<string, string> = {};
  #headersAt = Number.NEGATIVE_INFINITY;

  constructor(connection: KubeConnection, observe?: RequestObserver) {
    this.#connection = connection;
    this.#server = connection.server.replace(/\/+$/, '');
    this.#secure = !this.#server.startsWith('http://');
    this.#observe = observe;
  }

  async #prepare(): Promise<{ readonly requests: http.Agent; readonly watches: http.Agent }> {
    if (this.#agents && Date.now() - this.#headersAt < authRefreshMs) return this.#agents;
    const { headers, tls } = await this.#connection.credentials();
    this.#headers = { ...headers };
    this.#headersAt = Date.now();
    const agent = (maxSockets: number) =>
      this.#secure
        ? new https.Agent({ keepAlive: true, maxSockets, ...tls })
        : new http.Agent({ keepAlive: true, maxSockets });
    this.#agents ??= { requests: agent(maxConnections), watches: agent(Number.POSITIVE_INFINITY) };
    return this.#agents;
  }

  /** Sends one request and resolves with the response head (the body still to be read). */
  #send(
    url: URL,
    method: string,
    agent: http.Agent,
    body: string | null,
    contentType: string | undefined,
    idleTimeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = { ...this.#headers, accept: 'application/json' };
    if (body !== null) {
      headers['content-type'] = contentType ?? ContentType.json;
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const request = (this.#secure ? https : http).request(
        url,
        { method, headers, agent, ...(signal ? { signal } : {}) },
        resolve,
      );
      // An idle socket (no answer, or a body that stops) fails the request instead of hanging.
      request.setTimeout(idleTimeoutMs, () =>
        request.destroy(new Error(`no data from the API server for ${idleTimeoutMs} ms`)),
      );
      request.once('error', reject);
      request.end(body ?? undefined);
    });
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
    const url = new URL(this.#server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    url.searchParams.set('watch', 'true');
    let status = 0;
    try {
      const { watches } = await this.#prepare();
      const response = await this.#send(url, 'GET', watches, null, undefined, watchIdleTimeoutMs, signal);
      status = response.statusCode ?? 0;
      if (status !== 200) throw apiError('GET', path, status, await readText(response));
      onOpen?.();
      response.setEncoding('utf8');
      let pending = '';
      for await (const chunk of response as AsyncIterable<string>) {
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
      const { requests } = await this.#prepare();
      const body = options.body === undefined ? null : toJson(options.body);
      const response = await this.#send(
        url,
        method,
        requests,
        body,
        options.contentType,
        requestTimeoutMs,
        options.signal,
      );
      const text = await readText(response);
      status = response.statusCode ?? 0;
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
    this.#agents?.requests.destroy();
    this.#agents?.watches.destroy();
  }
}

async function readText(response: http.IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response as AsyncIterable<string>) text += chunk;
  return text;
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
