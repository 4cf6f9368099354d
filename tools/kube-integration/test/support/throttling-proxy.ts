import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A plain-HTTP front for the real API server that answers 429 Too Many Requests with
 * `Retry-After: retryAfterSeconds` while a storm is on, and forwards requests otherwise (to the
 * real server over TLS, with the caller's headers). Counts what it saw.
 */
export class ThrottlingProxy {
  readonly #server: http.Server;
  storming = false;
  retryAfterSeconds = 1;
  /** Arrival times (ms) of requests answered 429, per request path. */
  readonly throttled = new Map<string, number[]>();
  forwarded = 0;

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(target: string, caPem: string): Promise<ThrottlingProxy> {
    const upstream = new URL(target);
    const agent = new https.Agent({ ca: caPem, keepAlive: true });
    let proxy: ThrottlingProxy | undefined;
    const server = http.createServer((request, response) => {
      const key = request.url ?? '';
      if (proxy?.storming) {
        const times = proxy.throttled.get(key) ?? [];
        times.push(Date.now());
        proxy.throttled.set(key, times);
        request.resume();
        response.writeHead(429, {
          'retry-after': String(proxy.retryAfterSeconds),
          'content-type': 'application/json',
        });
        response.end(
          JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'storm' }),
        );
        return;
      }
      if (proxy) proxy.forwarded++;
      const headers = { ...request.headers, host: upstream.host };
      const forward = https.request(
        { host: upstream.hostname, port: upstream.port, path: key, method: request.method, headers, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on('error', () => response.destroy());
      request.pipe(forward);
    });
    proxy = new ThrottlingProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
