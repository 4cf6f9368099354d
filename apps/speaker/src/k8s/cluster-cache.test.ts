/**
 * ClusterCache against an API server that is not there (a closed port on loopback): the
 * informers fail their lists and retry, and the cache must not call itself synced (the speaker
 * waits for sync before it joins the membership, and reports it as readiness).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpKubeClient, loadKubeConfig, systemClock } from '@baremetal-lb/kube';
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
    const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-cluster-cache-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${await closedPort()}` } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'c',
      }),
    );
    const client = new HttpKubeClient(loadKubeConfig(kubeconfig, {}));
    const lines: string[] = [];
    const log = createLogger('warn', 'n1', { write: (line: string) => lines.push(line) });
    const cache = new ClusterCache(client, 'metallb-system', systemClock, log, () => {});
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
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
