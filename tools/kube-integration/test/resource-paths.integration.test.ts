import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { ContentType, type KubeObject, ResourcePaths } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from './support/test-api.ts';

const envtest = injectEnvtest();

describe.skipIf(!envtest)('ResourcePaths against a real kube-apiserver', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
  });
  afterAll(async () => api?.close());

  it('creates manifests of core, grouped, namespaced and cluster-scoped kinds by discovery, and applies and patches them', async () => {
    const namespace = await api.namespace('paths');
    const clusterRoleName = `${namespace}-reader`;
    const manifests = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: clusterRoleName },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'app-reader', namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
        subjects: [{ kind: 'ServiceAccount', name: 'app', namespace }],
      },
    ];
    const paths = new ResourcePaths(api.admin);
    try {
      for (const manifest of manifests)
        await api.admin.request('POST', await paths.collectionOf(manifest), { body: manifest });
      for (const manifest of manifests) {
        const read = await api.admin.request<KubeObject>('GET', await paths.pathOf(manifest));
        expect(read.kind).toBe(manifest.kind);
        expect(read.metadata.name).toBe(manifest.metadata.name);
      }
      // Server-side apply at the object's path changes it in place.
      const clusterRole = manifests[1]!;
      const applied = await api.admin.request<{ rules: { verbs: string[] }[] }>(
        'PATCH',
        await paths.pathOf(clusterRole),
        {
          body: {
            ...clusterRole,
            rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
          },
          contentType: ContentType.applyPatch,
          query: { fieldManager: 'kube-it', force: 'true' },
        },
      );
      expect(applied.rules[0]!.verbs).toEqual(['get', 'list']);
      // A JSON patch edits inside the list (a merge patch would replace it whole).
      const patched = await api.admin.request<{ rules: { verbs: string[] }[] }>(
        'PATCH',
        await paths.pathOf(clusterRole),
        {
          body: [{ op: 'add', path: '/rules/0/verbs/-', value: 'watch' }],
          contentType: ContentType.jsonPatch,
        },
      );
      expect(patched.rules[0]!.verbs).toEqual(['get', 'list', 'watch']);
    } finally {
      await api.admin.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${clusterRoleName}`);
    }
  });

  it('fails with ERR_KUBE_UNKNOWN_KIND for a kind the server does not serve', async () => {
    await expect(
      new ResourcePaths(api.admin).collectionOf({
        apiVersion: 'v1',
        kind: 'Widget',
        metadata: { namespace: 'default' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_KUBE_UNKNOWN_KIND' });
  });
});
