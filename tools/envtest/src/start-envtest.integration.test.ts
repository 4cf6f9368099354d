import { existsSync } from 'node:fs';
import { type HttpKubeClient, KubeApiError } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import { readKubeconfig } from './kubeconfig.ts';
import { kubeClientOf, openKubeClient } from './open-kube-client.ts';
import { createServiceAccountKubeconfig } from './service-account-kubeconfig.ts';
import { startEnvtest } from './start-envtest.ts';
import { kubeconfigEnvironmentVariable } from './vitest/envtest-context.ts';
import { injectEnvtest } from './vitest/inject-envtest.ts';

const envtest = injectEnvtest();

async function grant(
  admin: HttpKubeClient,
  namespace: string,
  subject: object,
  verbs: string[],
): Promise<void> {
  await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    body: {
      metadata: { name: 'pools' },
      rules: [{ apiGroups: ['metallb.io'], resources: ['ipaddresspools'], verbs }],
    },
  });
  await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    body: {
      metadata: { name: 'pools' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pools' },
      subjects: [subject],
    },
  });
}

/** 200, or the error status the request failed with. */
async function statusOf(client: HttpKubeClient, path: string): Promise<number> {
  try {
    await client.request('GET', path);
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError && error.status !== 0) return error.status;
    throw error;
  }
}

async function listPools(client: HttpKubeClient, namespace: string): Promise<number> {
  return statusOf(client, `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools`);
}

/** Runs `use` with a client for each kubeconfig, closing them afterwards. */
async function withClients<T>(
  paths: readonly string[],
  use: (...clients: HttpKubeClient[]) => Promise<T>,
): Promise<T> {
  const clients = paths.map((path) => openKubeClient(path));
  try {
    return await use(...clients);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** RBAC caches refresh asynchronously; a fresh binding takes effect within moments. */
async function eventuallyStatus(check: () => Promise<number>, expected: number): Promise<number> {
  let status = await check();
  for (let attempt = 0; attempt < 50 && status !== expected; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = await check();
  }
  return status;
}

describe.skipIf(!envtest)('the shared envtest', () => {
  it('is a real kube-apiserver v1.34 reachable with the admin kubeconfig', async () => {
    if (!envtest) return;
    expect((await readKubeconfig(envtest.kubeconfigPath)).server).toBe(envtest.server);
    const version = await withClients([envtest.kubeconfigPath], (admin) =>
      admin.request<{ gitVersion: string }>('GET', '/version'),
    );
    expect(version.gitVersion).toMatch(/^v1\.34\./);
    expect(process.env[kubeconfigEnvironmentVariable]).toBe(envtest.kubeconfigPath);
  });

  it('gives a service account only what RBAC grants it', async () => {
    if (!envtest) return;
    const suffix = Math.random().toString(16).slice(2, 8);
    const [mine, other] = [`rbac-${suffix}`, `rbac-other-${suffix}`];
    const identity = await createServiceAccountKubeconfig(envtest.kubeconfigPath, {
      namespace: mine,
      name: 'controller',
    });
    expect(identity.userName).toBe(`system:serviceaccount:${mine}:controller`);
    await withClients([envtest.kubeconfigPath, identity.kubeconfigPath], async (admin, sa) => {
      await admin!.request('POST', '/api/v1/namespaces', { body: { metadata: { name: other } } });
      expect(await listPools(sa!, mine)).toBe(403);
      await grant(admin!, mine, { kind: 'ServiceAccount', name: 'controller', namespace: mine }, ['list']);
      expect(await eventuallyStatus(() => listPools(sa!, mine), 200)).toBe(200);
      expect(await listPools(sa!, other)).toBe(403);
    });
    // Asking again for the same account works (namespace and account already exist).
    const again = await createServiceAccountKubeconfig(envtest.kubeconfigPath, {
      namespace: mine,
      name: 'controller',
    });
    expect(await withClients([again.kubeconfigPath], (sa) => listPools(sa, mine))).toBe(200);
  });
});

describe.skipIf(!envtest)('a private envtest', () => {
  it('refuses an unspecified listen address before starting anything', async () => {
    await expect(startEnvtest({ listenAddress: '0.0.0.0' })).rejects.toMatchObject({
      code: 'ERR_ENVTEST_BAD_ADDRESS',
    });
    await expect(startEnvtest({ listenAddress: '::' })).rejects.toMatchObject({
      code: 'ERR_ENVTEST_BAD_ADDRESS',
    });
  });

  it('listens on the address it is given, serves static users, and stops cleanly', async () => {
    // Any 127/8 address is local on Linux; it stands in for the lab's bridge address.
    const own = await startEnvtest({
      listenAddress: '127.0.0.2',
      users: [{ name: 'viewer', groups: ['viewers'] }],
    });
    let stopped = false;
    const admin = kubeClientOf(own.connection);
    try {
      expect(own.server).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
      const viewer = own.users.get('viewer');
      expect(viewer?.groups).toEqual(['viewers']);
      expect((await readKubeconfig(viewer?.kubeconfigPath ?? '')).server).toBe(own.server);
      await withClients([viewer?.kubeconfigPath ?? ''], async (asViewer) => {
        expect(await statusOf(asViewer, '/api/v1/namespaces')).toBe(403);
        // Not the built-in "view": aggregated roles stay empty without kube-controller-manager.
        await admin.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
          body: {
            metadata: { name: 'configmap-reader' },
            rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
          },
        });
        await admin.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
          body: {
            metadata: { name: 'viewers' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'configmap-reader' },
            subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }],
          },
        });
        const listConfigMaps = () => statusOf(asViewer, '/api/v1/namespaces/default/configmaps');
        expect(await eventuallyStatus(listConfigMaps, 200)).toBe(200);
      });
      await own.stop();
      stopped = true;
      expect(existsSync(own.dir)).toBe(false);
      await expect(admin.request('GET', '/readyz')).rejects.toMatchObject({ code: 'ERR_KUBE_UNREACHABLE' });
    } finally {
      await admin.close();
      if (!stopped) await own.stop();
    }
  });
});
