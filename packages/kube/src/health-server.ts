/**
 * The apps' HTTP endpoint for Prometheus and the kubelet's probes: `/metrics`, `/healthz` and
 * `/livez` (alive), `/readyz` (ready). Both apps serve it on MetalLB's port 7472.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What /metrics serves (a @baremetal-lb/metrics MetricsRegistry fits). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): string;
}

export type HealthChecks = {
  /** Liveness: the event loop runs and nothing is wedged (an API outage is no reason to restart). */
  readonly healthy: () => boolean;
  /** Readiness: caches synced, and whatever else the app needs before it serves. */
  readonly ready: () => boolean;
  /** Called before a scrape to refresh pull-style gauges. */
  readonly beforeScrape?: () => void;
};

export type HealthServer = {
  /** The port it listens on (the one asked for, or the free one picked for 0). */
  readonly port: number;
  close(): Promise<void>;
};

/** An idle keep-alive connection from a scraper is closed after this long, ms. */
const keepAliveTimeoutMs = 5_000;

export async function startHealthServer(
  host: string,
  port: number,
  metrics: MetricsSource,
  checks: HealthChecks,
): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      try {
        checks.beforeScrape?.();
        const text = metrics.metrics();
        response.writeHead(200, { 'content-type': metrics.contentType }).end(text);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
      return;
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const ok = path === '/readyz' ? checks.ready() : checks.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
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
