/**
 * The speaker's API wiring against a real kube-apiserver: with a kubeconfig whose current-context
 * points at a server that refuses every connection, `--context envtest` makes the informers list
 * and watch the real one; without the flag the client goes to the refusing server.
 */
import path from 'node:path';
import { envtestContext, openKubeClient, writeDecoyKubeconfig } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { type HttpKubeClient, systemClock } from '@baremetal-lb/kube';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpeakerFlags } from '../../src/cli/speaker-flags.ts';
import { ClusterCache } from '../../src/k8s/cluster-cache.ts';
import { openApiClient } from '../../src/k8s/open-api-client.ts';

const envtest = injectEnvtest();
const node = 'speaker-context-node';

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!envtest)('speaker --context', () => {
  let admin: HttpKubeClient;
  let decoy: string;
  const namespace = `speaker-context-${Math.random().toString(16).slice(2, 8)}`;

  beforeAll(async () => {
    admin = openKubeClient(envtest!.kubeconfigPath);
    await admin.request('POST', '/api/v1/namespaces', { body: { metadata: { name: namespace } } });
    await admin.request('POST', '/api/v1/nodes', { body: { metadata: { name: node } } });
    decoy = path.join(path.dirname(envtest!.kubeconfigPath), 'kubeconfig-speaker-decoy');
    await writeDecoyKubeconfig(envtest!.kubeconfigPath, decoy);
  });
  afterAll(async () => admin?.close());

  const flags = (...extra: string[]) =>
    parseSpeakerFlags(
      [`--node-name=${node}`, `--kubeconfig=${decoy}`, `--namespace=${namespace}`, ...extra],
      {},
    );

  it('lists and watches through the named context', async () => {
    const client = openApiClient(flags(`--context=${envtestContext}`, '--kube-api-qps=10'), {});
    const cache = new ClusterCache(client, namespace, systemClock, pino({ level: 'silent' }), () => {});
    try {
      cache.start();
      await waitFor('the caches to sync', () => cache.synced);
      expect(cache.nodes.list().map((n) => n.metadata.name)).toContain(node);
      expect(cache.connected).toBe(true);
    } finally {
      await cache.stop();
      await client.close();
    }
  });

  it('goes to the current-context without the flag (the decoy refuses)', async () => {
    const client = openApiClient(flags(), {});
    try {
      await expect(client.request('GET', '/version')).rejects.toMatchObject({ code: 'ERR_KUBE_UNREACHABLE' });
    } finally {
      await client.close();
    }
  });
});
