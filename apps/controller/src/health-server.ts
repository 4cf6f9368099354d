import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsRegistry } from '@baremetal-lb/metrics';

/** What /healthz and /readyz report. */
export interface HealthSource {
  /** Live: the event loop runs and the process has not given up. */
  healthy(): boolean;
  /** Ready: caches synced and, when leading, every existing assignment restored. */
  ready(): boolean;
}

export type HealthServer = { readonly port: number; close(): Promise<void> };

/** Serves /metrics (Prometheus text), /healthz and /readyz. */
export async function startHealthServer(
  host: string,
  port: number,
  registry: MetricsRegistry,
  health: HealthSource,
): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      try {
        const text = registry.metrics();
        response.writeHead(200, { 'content-type': registry.contentType }).end(text);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
      return;
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const ok = path === '/readyz' ? health.ready() : health.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
