/**
 * How a KubeClient carries its exchanges to the API server, for one set of TLS material: over
 * HTTP/2 (one connection for every request and watch, as client-go does) or over HTTP/1.1
 * keep-alive connections (one per watch; for plain-http servers, proxies and servers without h2).
 */
import type http from 'node:http';
import type { Readable } from 'node:stream';

export type ApiExchange = {
  readonly url: URL;
  readonly method: string;
  /** Lower-case names; a list value is sent as repeated headers. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string | null;
  /** No data for this long fails the exchange (a hung server, a black-holed connection). */
  readonly idleTimeoutMs: number;
  /** A long-lived watch rather than a request. */
  readonly watch: boolean;
  readonly signal?: AbortSignal | undefined;
};

/** The answer's status and headers; the body still to be read. */
export type ApiResponse = {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Readable;
};

export interface ApiTransport {
  send(exchange: ApiExchange): Promise<ApiResponse>;
  /** Its TLS material is outdated: new exchanges go elsewhere, those running finish. */
  retire(): void;
  /** Ends everything now (a running watch fails and reopens elsewhere). */
  destroy(): void;
}
