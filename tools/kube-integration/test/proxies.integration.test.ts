import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { HttpKubeClient, type KubeObject, ListWatch, loadKubeConfig } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectProxy } from './support/connect-proxy.ts';
import { TestApi, waitFor, whoAmI } from './support/test-api.ts';
import { ThrottlingProxy } from './support/throttling-proxy.ts';

const envtest = injectEnvtest();

describe.skipIf(!envtest)('proxies in front of a real kube-apiserver', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
  });
  afterAll(async () => api?.close());

  it('tunnels requests and watches through the proxy-url of the kubeconfig (HTTP CONNECT)', async () => {
    const proxy = await ConnectProxy.start();
    const namespace = await api.namespace('proxy');
    const kubeconfig = api.writeKubeconfig('proxied', { token: api.adminToken }, { 'proxy-url': proxy.url });
    const client = new HttpKubeClient(loadKubeConfig(kubeconfig, {}));
    const informer = new ListWatch<KubeObject>(client, `/api/v1/namespaces/${namespace}/configmaps`);
    try {
      expect(await whoAmI(client)).toBe('envtest-admin');
      await informer.start();
      await api.createConfigMap(namespace, 'through-the-tunnel');
      await waitFor(
        'the watch event through the tunnel',
        () => informer.get('through-the-tunnel', namespace) !== undefined,
      );
      const target = new URL(api.server).host;
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(2);
      expect(new Set(proxy.tunnels)).toEqual(new Set([target]));
    } finally {
      await informer.stop();
      await client.close();
      await proxy.close();
    }
  });

  it('honours $HTTPS_PROXY, and $NO_PROXY over it', async () => {
    const proxy = await ConnectProxy.start();
    const kubeconfig = api.writeKubeconfig('env-proxied', { token: api.adminToken });
    const viaEnv = new HttpKubeClient(loadKubeConfig(kubeconfig, { HTTPS_PROXY: proxy.url }));
    const bypassed = new HttpKubeClient(
      loadKubeConfig(kubeconfig, { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.0/8' }),
    );
    try {
      expect(await whoAmI(bypassed)).toBe('envtest-admin');
      expect(proxy.tunnels).toEqual([]);
      expect(await whoAmI(viaEnv)).toBe('envtest-admin');
      expect(proxy.tunnels).toEqual([new URL(api.server).host]);
    } finally {
      await viaEnv.close();
      await bypassed.close();
      await proxy.close();
    }
  });

  it('waits out a 429 storm as Retry-After says, without a hot loop', async () => {
    const proxy = await ThrottlingProxy.start(api.server, api.caPem);
    const client = new HttpKubeClient({
      server: proxy.url,
      credentials: async () => ({ headers: { authorization: `Bearer ${api.adminToken}` }, tls: {} }),
    });
    const callers = 20;
    try {
      proxy.storming = true;
      const stormMs = 3_000;
      const started = Date.now();
      const requests = Array.from({ length: callers }, (_, i) =>
        client.request<{ metadata: { name: string } }>('GET', `/api/v1/namespaces/default?caller=${i}`),
      );
      setTimeout(() => {
        proxy.storming = false;
      }, stormMs);
      const answers = await Promise.all(requests);
      expect(answers.every((a) => a.metadata.name === 'default')).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(stormMs);
      for (const [key, times] of proxy.throttled) {
        // One attempt per Retry-After second: a 3 s storm allows four tries, a hot loop makes hundreds.
        expect(times.length, key).toBeLessThanOrEqual(Math.ceil(stormMs / 1_000) + 2);
        for (let i = 1; i < times.length; i++)
          expect(times[i]! - times[i - 1]!, `${key} retry ${i}`).toBeGreaterThanOrEqual(900);
      }
      expect(proxy.throttled.size).toBe(callers);
      expect(proxy.forwarded).toBe(callers);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
