import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import {
  HttpKubeClient,
  KubeApiError,
  type KubeObject,
  loadKubeConfig,
  requestServiceAccountToken,
  tokenKubeconfig,
} from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi, waitFor, whoAmI } from './support/test-api.ts';

const envtest = injectEnvtest();

describe.skipIf(!envtest)('ServiceAccount tokens and token kubeconfigs against a real kube-apiserver', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
  });
  afterAll(async () => api?.close());

  /** A client from a tokenKubeconfig file, as the lab hands one to an app. */
  const clientFor = (token: string, file: string) => {
    const kubeconfig = path.join(api.dir, file);
    const document = tokenKubeconfig({ server: api.server, caPem: api.caPem, token }, { user: file });
    writeFileSync(kubeconfig, JSON.stringify(document), { mode: 0o600 });
    return new HttpKubeClient(loadKubeConfig(kubeconfig, {}));
  };

  it('gets a token the API server authenticates as the ServiceAccount', async () => {
    const namespace = await api.namespace('sa-token');
    await api.admin.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      body: { metadata: { name: 'app' } },
    });
    const token = await requestServiceAccountToken(api.admin, { namespace, name: 'app' });
    const client = clientFor(token, 'sa-app');
    try {
      expect(await whoAmI(client)).toBe(`system:serviceaccount:${namespace}:app`);
    } finally {
      await client.close();
    }
  });

  it('binds a token to a Secret: deleting the Secret revokes it', async () => {
    const namespace = await api.namespace('sa-bound');
    await api.admin.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      body: { metadata: { name: 'app' } },
    });
    const secrets = `/api/v1/namespaces/${namespace}/secrets`;
    const secret = await api.admin.request<KubeObject>('POST', secrets, {
      body: { metadata: { name: 'binding' } },
    });
    const token = await requestServiceAccountToken(
      api.admin,
      { namespace, name: 'app' },
      { boundSecret: { name: 'binding', uid: secret.metadata.uid! }, expirationSeconds: 3_600 },
    );
    const client = clientFor(token, 'sa-bound');
    try {
      expect(await whoAmI(client)).toBe(`system:serviceaccount:${namespace}:app`);
      await api.admin.request('DELETE', `${secrets}/binding`);
      // The API server caches a successful authentication for 10 s; then the deleted binding counts.
      await waitFor(
        'the bound token to be refused',
        async () => {
          try {
            await whoAmI(client);
            return false;
          } catch (error) {
            if (error instanceof KubeApiError && error.status === 401) return true;
            throw error;
          }
        },
        60_000,
      );
    } finally {
      await client.close();
    }
  });

  it('fails with the API error when the ServiceAccount does not exist', async () => {
    const namespace = await api.namespace('sa-missing');
    await expect(requestServiceAccountToken(api.admin, { namespace, name: 'nobody' })).rejects.toMatchObject({
      code: 'ERR_KUBE_API',
      status: 404,
    });
  });
});
