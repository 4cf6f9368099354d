/**
 * ClusterCache against an API server that is not there (a closed port on loopback): the
 * informers fail their lists and retry, and the cache must not call itself synced (the speaker
 * waits for sync before it joins the membership, and reports it as readiness).
 */
import { createServer } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observe/create-logger.ts';
import { ClusterCache } from './cluster-cache.ts';

/** A loopback port with nothing listening on it (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ClusterCache while the API server is away', () => {
  it('is neither synced nor connected, and keeps retrying', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${await closedPort()}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const lines: string[] = [];
    const log = createLogger('warn', 'n1', { write: (line: string) => lines.push(line) });
    const cache = new ClusterCache(kc, 'metallb-system', log, () => {});
    cache.start();
    try {
      // Long enough for the first lists to fail and the first retries (250 ms, 500 ms) to fail too.
      await expect
        .poll(() => lines.filter((l) => l.includes('informer error')).length, { timeout: 5_000 })
        .toBeGreaterThanOrEqual(10);
      expect(cache.synced).toBe(false);
      expect(cache.connected).toBe(false);
    } finally {
      await cache.stop();
    }
  });
});
