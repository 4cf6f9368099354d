import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import {
  HttpKubeClient,
  type KubeConnection,
  type KubeObject,
  ListWatch,
  loadKubeConfig,
  startInformer,
  systemClock,
} from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlackHoleProxy } from './support/black-hole-proxy.ts';
import { TestApi, waitFor } from './support/test-api.ts';

const envtest = injectEnvtest();

describe.skipIf(!envtest)('list-watch against a real kube-apiserver', () => {
  let api: TestApi;
  let admin: KubeConnection;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
    admin = loadKubeConfig(envtest!.kubeconfigPath, {});
  });
  afterAll(async () => api?.close());

  it('detects a black-holed watch with its idle watchdog and re-establishes it', async () => {
    const namespace = await api.namespace('blackhole');
    const proxy = await BlackHoleProxy.inFrontOf(api.server);
    const watchdogMs = 2_000;
    const client = new HttpKubeClient(proxy.route(admin), { watchIdleTimeoutMs: watchdogMs });
    const seen = new Set<string>();
    const informer = startInformer<KubeObject>({
      client,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      clock: systemClock,
      handlers: { change: (o) => seen.add(o.metadata.name), remove: () => {} },
    });
    try {
      await informer.synced;
      await api.createConfigMap(namespace, 'before');
      await waitFor('the event before the black hole', () => seen.has('before'));
      const connectionsBefore = proxy.connections;
      proxy.blackHoleOpenConnections();
      expect(proxy.blackHoled).toBeGreaterThan(0);
      const cutAt = Date.now();
      await api.createConfigMap(namespace, 'after');
      // Within the watchdog period plus a restart backoff (at most 0.5 s) and slack for two busy cores.
      await waitFor('the event after the black hole', () => seen.has('after'), 4 * watchdogMs + 5_000);
      expect(proxy.connections).toBeGreaterThan(connectionsBefore);
      process.stderr.write(`[kube] black-holed watch recovered after ${Date.now() - cutAt} ms\n`);
      expect([...informer.store.list().map((o) => o.metadata.name)].sort()).toEqual(['after', 'before']);
    } finally {
      await informer.stop();
      await client.close();
      await proxy.close();
    }
  });

  it('relists after 410 Gone without losing or duplicating an event', async () => {
    const namespace = await api.namespace('gone');
    let lists = 0;
    const client = new HttpKubeClient(admin, { observe: (verb) => (verb === 'LIST' ? lists++ : undefined) });
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    for (const name of ['kept', 'changed', 'removed']) await api.createConfigMap(namespace, name, { v: '1' });
    const informer = new ListWatch<KubeObject>(client, path);
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata.name}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
    informer.on('error', (e) => events.push(`error ${(e as Error).message}`));
    try {
      await informer.start();
      expect(events.sort()).toEqual(['add changed', 'add kept', 'add removed']);
      events.length = 0;
      // The watch goes away (a network outage); meanwhile the world changes...
      await informer.stop();
      const staleVersion = informer.latestResourceVersion();
      await api.admin.request('PUT', `${path}/changed`, {
        body: { metadata: { name: 'changed' }, data: { v: '2' } },
      });
      await api.admin.request('DELETE', `${path}/removed`);
      await api.createConfigMap(namespace, 'created');
      // ... and etcd compacts past the informer's resourceVersion.
      await waitFor(
        'etcd to compact past the stale resourceVersion',
        async () => (await watchAnswer(client, path, staleVersion)) === 410,
        60_000,
      );
      await informer.start();
      await waitFor('the relist', () => events.length >= 3);
      expect(events.sort()).toEqual(['add created', 'delete removed', 'update changed']);
      expect(lists).toBe(2);
      // The watch opened after the relist works, from the relist's resourceVersion.
      await api.createConfigMap(namespace, 'later');
      await waitFor('the event after the relist', () => events.includes('add later'));
      const fresh = await api.configMapVersions(namespace);
      const cached = new Map(informer.list().map((o) => [o.metadata.name, o.metadata.resourceVersion ?? '']));
      expect(cached).toEqual(fresh);
      expect(events.filter((e) => e.startsWith('error'))).toEqual([]);
    } finally {
      await informer.stop();
      await client.close();
    }
  }, 90_000);

  it('lists 2,000 objects in pages of a small limit', async () => {
    const namespace = await api.namespace('pages');
    const total = 2_000;
    const names = Array.from({ length: total }, (_, i) => `cm-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < total; i += 50)
      await Promise.all(
        names.slice(i, i + 50).map((name) => api.createConfigMap(namespace, name, { i: name })),
      );
    const requests: string[] = [];
    const client = new HttpKubeClient(admin, {
      observe: (verb, status) => requests.push(`${verb} ${status}`),
    });
    const informer = new ListWatch<KubeObject>(client, `/api/v1/namespaces/${namespace}/configmaps`, {
      pageSize: 73,
    });
    try {
      await informer.start();
      expect(informer.list()).toHaveLength(total);
      expect(requests.filter((r) => r === 'LIST 200')).toHaveLength(Math.ceil(total / 73));
      const fresh = await api.configMapVersions(namespace);
      expect(
        new Map(informer.list().map((o) => [o.metadata.name, o.metadata.resourceVersion ?? ''])),
      ).toEqual(fresh);
    } finally {
      await informer.stop();
      await client.close();
    }
  }, 120_000);
});

/** The status a watch from `resourceVersion` gets: 410 when compacted (as a status or an ERROR event). */
async function watchAnswer(client: HttpKubeClient, path: string, resourceVersion: string): Promise<number> {
  const abort = new AbortController();
  let status = 200;
  try {
    await client.watch(
      path,
      { resourceVersion, timeoutSeconds: '1' },
      (event) => {
        const object = event.object as { code?: number };
        if (event.type === 'ERROR') status = object.code ?? 500;
        abort.abort();
      },
      abort.signal,
    );
  } catch (error) {
    if (!abort.signal.aborted) status = (error as { status?: number }).status ?? 0;
  }
  return status;
}
