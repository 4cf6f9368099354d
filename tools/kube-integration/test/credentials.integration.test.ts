import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { HttpKubeClient, KubeApiError, loadKubeConfig } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueClientCertificate } from './support/client-certificates.ts';
import { TestApi, waitFor, whoAmI } from './support/test-api.ts';

const envtest = injectEnvtest();
const clientCa = inject('kubeClientCa');

describe.skipIf(!envtest || !clientCa)('credentials against a real kube-apiserver', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
  });
  afterAll(async () => api?.close());

  it('keeps working when the token file rotates: a 401 is retried once with the re-read token', async () => {
    const namespace = await api.namespace('token');
    await api.admin.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      body: { metadata: { name: 'rotator' } },
    });
    await api.allowConfigMaps(namespace, { kind: 'ServiceAccount', name: 'rotator' });
    // Tokens bound to Secrets: deleting a Secret revokes its token at once.
    const tokenBoundTo = async (secret: string): Promise<string> => {
      await api.admin.request('POST', `/api/v1/namespaces/${namespace}/secrets`, {
        body: { metadata: { name: secret } },
      });
      const { metadata } = await api.admin.request<{ metadata: { uid: string } }>(
        'GET',
        `/api/v1/namespaces/${namespace}/secrets/${secret}`,
      );
      const answer = await api.admin.request<{ status: { token: string } }>(
        'POST',
        `/api/v1/namespaces/${namespace}/serviceaccounts/rotator/token`,
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: {
              expirationSeconds: 3600,
              boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: secret, uid: metadata.uid },
            },
          },
        },
      );
      return answer.status.token;
    };
    const first = await tokenBoundTo('first');
    const second = await tokenBoundTo('second');
    const tokenFile = path.join(api.dir, 'token');
    writeFileSync(tokenFile, `${first}\n`);
    // A stale static token beside the file: the file must win, as in client-go.
    const kubeconfig = api.writeKubeconfig('token-rotation', { token: 'stale-static-token', tokenFile });
    const statuses: number[] = [];
    // Credentials cached for an hour: only the 401 can make the client read the file again.
    const client = new HttpKubeClient(loadKubeConfig(kubeconfig, {}), {
      credentialsRefreshMs: 3_600_000,
      observe: (_verb, status) => statuses.push(status),
    });
    const list = () => client.request('GET', `/api/v1/namespaces/${namespace}/configmaps`);
    try {
      await list();
      expect(await whoAmI(client)).toBe(`system:serviceaccount:${namespace}:rotator`);
      writeFileSync(tokenFile, second);
      await api.admin.request('DELETE', `/api/v1/namespaces/${namespace}/secrets/first`);
      await waitFor('the first token to be revoked', async () => {
        const probe = new HttpKubeClient({
          server: api.server,
          credentials: async () => ({
            headers: { authorization: `Bearer ${first}` },
            tls: { ca: api.caPem },
          }),
        });
        try {
          await probe.request('GET', `/api/v1/namespaces/${namespace}/configmaps`);
          return false;
        } catch (error) {
          return error instanceof KubeApiError && error.status === 401;
        } finally {
          await probe.close();
        }
      });
      statuses.length = 0;
      await list();
      expect(statuses).toEqual([401, 200]);
      await list();
      expect(statuses).toEqual([401, 200, 200]);
    } finally {
      await client.close();
    }
  });

  it('uses a rotated client certificate for new connections', async () => {
    const certFile = path.join(api.dir, 'client.crt');
    const keyFile = path.join(api.dir, 'client.key');
    issueClientCertificate({ caDir: clientCa!, user: 'kube-it-cert-first', certFile, keyFile });
    const kubeconfig = api.writeKubeconfig('client-cert', {
      'client-certificate': certFile,
      'client-key': keyFile,
    });
    const client = new HttpKubeClient(loadKubeConfig(kubeconfig, {}), { credentialsRefreshMs: 200 });
    try {
      expect(await whoAmI(client)).toBe('kube-it-cert-first');
      issueClientCertificate({ caDir: clientCa!, user: 'kube-it-cert-second', certFile, keyFile });
      await waitFor(
        'a request with the new certificate',
        async () => (await whoAmI(client)) === 'kube-it-cert-second',
      );
      // Without the reload the answer never changes: prove the old identity is gone for good.
      expect(await whoAmI(client)).toBe('kube-it-cert-second');
    } finally {
      await client.close();
    }
  });

  it('sends impersonation headers: a request the base user may not make succeeds as the impersonated user', async () => {
    const namespace = await api.namespace('impersonate');
    const certFile = path.join(api.dir, 'impersonator.crt');
    const keyFile = path.join(api.dir, 'impersonator.key');
    issueClientCertificate({ caDir: clientCa!, user: 'kube-it-impersonator', certFile, keyFile });
    await api.apply('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'kube-it-impersonate-target' },
      rules: [
        { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['kube-it-target'] },
      ],
    });
    await api.apply('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'kube-it-impersonate-target' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'kube-it-impersonate-target',
      },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kube-it-impersonator' }],
    });
    await api.allowConfigMaps(namespace, { kind: 'User', name: 'kube-it-target' });
    const user = { 'client-certificate': certFile, 'client-key': keyFile };
    const base = new HttpKubeClient(loadKubeConfig(api.writeKubeconfig('base', user), {}));
    const impersonating = new HttpKubeClient(
      loadKubeConfig(api.writeKubeconfig('impersonating', { ...user, as: 'kube-it-target' }), {}),
    );
    const configMaps = `/api/v1/namespaces/${namespace}/configmaps`;
    try {
      await expect(base.request('GET', configMaps)).rejects.toMatchObject({ status: 403 });
      await waitFor('RBAC to allow the impersonated user', async () => {
        try {
          await impersonating.request('GET', configMaps);
          return true;
        } catch (error) {
          if (error instanceof KubeApiError && error.status === 403) return false;
          throw error;
        }
      });
      expect(await whoAmI(impersonating)).toBe('kube-it-target');
      expect(await whoAmI(base)).toBe('kube-it-impersonator');
      // The authorizer's own verdict (what a SubjectAccessReview asks), for each identity.
      const mayList = async (client: HttpKubeClient) =>
        (
          await client.request<{ status: { allowed: boolean } }>(
            'POST',
            '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: { resourceAttributes: { namespace, verb: 'list', resource: 'configmaps' } },
              },
            },
          )
        ).status.allowed;
      expect(await mayList(base)).toBe(false);
      expect(await mayList(impersonating)).toBe(true);
    } finally {
      await base.close();
      await impersonating.close();
    }
  });
});
