import { KubeConfig } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { KubeApiError, KubeConfigError } from './errors.ts';

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

/** Called after every request with its verb and status (0 = unreachable). */
export type RequestObserver = (verb: string, status: number) => void;

/** Loads a kubeconfig: an explicit file, else in-cluster, else $KUBECONFIG / ~/.kube/config. */
export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const source = path ?? (env.KUBERNETES_SERVICE_HOST ? 'in-cluster service account' : 'default locations');
  try {
    if (path !== undefined) kc.loadFromFile(path);
    else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (error) {
    throw new KubeConfigError(source, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  if (!kc.getCurrentCluster()) throw new KubeConfigError(source, 'no current cluster');
  return kc;
}

/** How long authentication headers are reused before the kubeconfig is asked again (token rotation). */
const authRefreshMs = 30_000;
/** Per-request deadline: a hung API server must not stall a worker forever. */
const requestTimeoutMs = 30_000;

/**
 * KubeClient over one keep-alive undici Agent. (client-node's generated clients build a fresh
 * dispatcher, hence a fresh TLS connection, per request; at thousands of writes that dominates.)
 */
export class HttpKubeClient implements KubeClient {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #observe: RequestObserver | undefined;
  #agent: Agent | undefined;
  #headers: Record<string, string> = {};
  #headersAt = Number.NEGATIVE_INFINITY;

  constructor(kc: KubeConfig, observe?: RequestObserver) {
    this.#kc = kc;
    this.#server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
    this.#observe = observe;
  }

  async #prepare(): Promise<Agent> {
    if (this.#agent && Date.now() - this.#headersAt < authRefreshMs) return this.#agent;
    const opts: {
      headers?: Record<string, unknown>;
      ca?: unknown;
      cert?: unknown;
      key?: unknown;
      rejectUnauthorized?: boolean;
      servername?: string;
    } = {};
    await this.#kc.applyToHTTPSOptions(opts as never);
    this.#headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k, String(v)]));
    this.#headersAt = Date.now();
    if (!this.#agent) {
      const connect: Record<string, unknown> = {};
      for (const key of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'] as const) {
        if (opts[key] !== undefined) connect[key] = opts[key];
      }
      this.#agent = new Agent({ connect, keepAliveTimeout: 30_000, connections: 32 });
    }
    return this.#agent;
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
      let reason = '';
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { reason?: string; message?: string };
        reason = parsed.reason ?? '';
        message = parsed.message ?? message;
      } catch {
        // Not a Status object (a proxy error page, say); keep the raw text.
      }
      throw new KubeApiError(method, path, status, reason, message);
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
    await this.#agent?.close();
  }
}

/** JSON.stringify that writes bigints as plain JSON integers (int64 status fields beyond 2^53). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `\u0000bigint:${item}` : item,
  ).replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
