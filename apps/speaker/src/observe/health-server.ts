/** HTTP endpoint for Prometheus and probes: `/metrics`, `/healthz` (alive), `/readyz` (ready). */
import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from '@baremetal-lb/metrics';

export type HealthChecks = {
  /** Liveness: the event loop runs and nothing is wedged. */
  readonly healthy: () => boolean;
  /** Readiness: caches synced once and membership running. */
  readonly ready: () => boolean;
  /** Called before a scrape to refresh pull-style gauges. */
  readonly beforeScrape?: () => void;
};

export async function startHealthServer(
  host: string,
  port: number,
  registry: MetricsRegistry,
  checks: HealthChecks,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      try {
        checks.beforeScrape?.();
        const text = registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? checks.healthy() : checks.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
