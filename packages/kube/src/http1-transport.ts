/**
 * HTTP/1.1 over keep-alive node:http(s) agents: writes and lists share a bounded pool, each watch
 * holds a connection of its own (HTTP/1.1 cannot interleave them). Used for plain-http servers,
 * through proxies (HTTP CONNECT tunnels), and for servers that do not offer h2.
 */
import http from 'node:http';
import https from 'node:https';
import type { ApiExchange, ApiResponse, ApiTransport } from './api-transport.ts';
import type { TlsSettings } from './kube-config.ts';
import { HttpsTunnelAgent, HttpTunnelAgent } from './tunnel-agent.ts';

/** Connections for writes and lists (the controller's default --workers keeps this many in flight). */
const maxConnections = 32;
/**
 * Idle keep-alive connections kept per pool. A burst (a speaker's status writes and events for
 * many Services at once) opens up to `maxConnections`; kept, each idle TLS connection holds about
 * 130 KiB of the process and a connection on the API server. A connection freed while requests
 * wait is reused at once, so busy pools are not affected.
 */
const maxIdleConnections = 4;

export class Http1Transport implements ApiTransport {
  readonly #secure: boolean;
  readonly #requests: http.Agent;
  readonly #watches: http.Agent;

  constructor(secure: boolean, tls: TlsSettings, proxy: string | undefined) {
    this.#secure = secure;
    this.#requests = createAgent(secure, maxConnections, tls, proxy);
    this.#watches = createAgent(secure, Number.POSITIVE_INFINITY, tls, proxy);
  }

  send(exchange: ApiExchange): Promise<ApiResponse> {
    const { url, method, headers, body, idleTimeoutMs, signal } = exchange;
    return new Promise((resolve, reject) => {
      const request = (this.#secure ? https : http).request(
        url,
        {
          method,
          headers: headers as http.OutgoingHttpHeaders,
          agent: exchange.watch ? this.#watches : this.#requests,
          ...(signal ? { signal } : {}),
        },
        (response) =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response }),
      );
      // An idle socket (no answer, or a body that stops: a black-holed connection) fails the
      // request instead of hanging.
      request.setTimeout(idleTimeoutMs, () =>
        request.destroy(new Error(`no data from the API server for ${idleTimeoutMs} ms`)),
      );
      request.once('error', reject);
      request.end(body ?? undefined);
    });
  }

  retire(): void {
    for (const agent of [this.#requests, this.#watches]) {
      for (const sockets of Object.values(agent.freeSockets))
        for (const socket of sockets ?? []) socket.destroy();
      // Sockets still busy close when their exchange ends (no keep-alive reuse on a retired agent).
      agent.on('free', (socket) => socket.destroy());
    }
  }

  destroy(): void {
    this.#requests.destroy();
    this.#watches.destroy();
  }
}

function createAgent(
  secure: boolean,
  maxSockets: number,
  tls: TlsSettings,
  proxy: string | undefined,
): http.Agent {
  if (secure) {
    const options = { keepAlive: true, maxSockets, maxFreeSockets: maxIdleConnections, ...tls };
    return proxy ? new HttpsTunnelAgent(proxy, options) : new https.Agent(options);
  }
  return proxy
    ? new HttpTunnelAgent(proxy, { keepAlive: true, maxSockets, maxFreeSockets: maxIdleConnections })
    : new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxIdleConnections });
}
