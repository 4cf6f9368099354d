import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type HealthServer, startHealthServer } from './health-server.ts';

/** A raw request, so a keep-alive connection can be held open across close(). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHealthServer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers liveness and readiness by state, and 404 / 405 for anything else', async () => {
    let healthy = true;
    let ready = false;
    server = await startHealthServer(
      '127.0.0.1',
      0,
      { contentType: 'text/plain', metrics: () => '' },
      { healthy: () => healthy, ready: () => ready },
    );
    const { port } = server;
    expect(port).toBeGreaterThan(0);
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(port, '/livez')).status).toBe(200);
    expect(await get(port, '/readyz?verbose')).toEqual({ status: 503, body: 'not ready\n' });
    ready = true;
    expect((await get(port, '/readyz')).status).toBe(200);
    healthy = false;
    expect((await get(port, '/healthz')).status).toBe(503);
    expect((await get(port, '/readyz')).status).toBe(200);
    expect((await get(port, '/nope')).status).toBe(404);
    expect((await get(port, '/metrics', 'POST')).status).toBe(405);
  });

  it('serves the metrics text after refreshing pull-style gauges, and 500 when that fails', async () => {
    let scrapes = 0;
    let broken = false;
    server = await startHealthServer(
      '127.0.0.1',
      0,
      { contentType: 'text/plain; version=0.0.4', metrics: () => `scrapes ${scrapes}\n` },
      {
        healthy: () => true,
        ready: () => true,
        beforeScrape: () => {
          if (broken) throw new Error('gauge refresh failed');
          scrapes++;
        },
      },
    );
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await response.text()).toBe('scrapes 1\n');
    broken = true;
    expect(await get(server.port, '/metrics')).toEqual({ status: 500, body: 'Error: gauge refresh failed' });
  });

  it('refuses a port in use with the listen error, and close() ends open keep-alive connections', async () => {
    const checks = { healthy: () => true, ready: () => true };
    const metrics = { contentType: 'text/plain', metrics: () => '' };
    server = await startHealthServer('127.0.0.1', 0, metrics, checks);
    await expect(startHealthServer('127.0.0.1', server.port, metrics, checks)).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await fetch(`http://127.0.0.1:${server.port}/healthz`); // leaves a keep-alive connection
    await server.close();
    server = undefined;
  });
});
