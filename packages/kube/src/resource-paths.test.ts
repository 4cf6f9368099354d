import { describe, expect, it } from 'vitest';
import type { KubeClient, Method, RequestOptions } from './kube-client.ts';
import { KubeApiError } from './kube-error.ts';
import { ResourcePaths } from './resource-paths.ts';

/** Discovery documents by path; anything else is a 404. Counts the requests. */
function discovery(documents: Record<string, unknown>) {
  const asked: string[] = [];
  const client: KubeClient = {
    async request<T>(method: Method, path: string, _options?: RequestOptions): Promise<T> {
      asked.push(`${method} ${path}`);
      if (path in documents) return documents[path] as T;
      throw new KubeApiError(
        method,
        path,
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    },
  };
  return { client, asked };
}

const documents = {
  '/api/v1': {
    resources: [
      { name: 'services', kind: 'Service', namespaced: true },
      { name: 'services/status', kind: 'Service', namespaced: true },
      { name: 'nodes', kind: 'Node', namespaced: false },
    ],
  },
  '/apis/rbac.authorization.k8s.io/v1': {
    resources: [
      { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
      { name: 'roles', kind: 'Role', namespaced: true },
    ],
  },
};

describe('ResourcePaths', () => {
  it('maps core and grouped kinds, namespaced or not, to their collections and objects', async () => {
    const paths = new ResourcePaths(discovery(documents).client);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'ns' },
    };
    expect(await paths.collectionOf(role)).toBe('/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles');
    expect(await paths.pathOf(role)).toBe('/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles/r');
    expect(
      await paths.pathOf({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'c' },
      }),
    ).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/c');
    // The subresource (services/status) has the same kind; the resource itself is meant.
    expect(
      await paths.pathOf({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', namespace: 'default' },
      }),
    ).toBe('/api/v1/namespaces/default/services/s');
    expect(await paths.collectionOf({ apiVersion: 'v1', kind: 'Node' })).toBe('/api/v1/nodes');
  });

  it('reads each discovery document once', async () => {
    const { client, asked } = discovery(documents);
    const paths = new ResourcePaths(client);
    await paths.collectionOf({ apiVersion: 'v1', kind: 'Node' });
    await paths.collectionOf({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'a' } });
    expect(asked).toEqual(['GET /api/v1']);
  });

  it('fails with stable codes for an unknown kind, a missing namespace or name, and asks again after a failed discovery', async () => {
    const { client, asked } = discovery(documents);
    const paths = new ResourcePaths(client);
    await expect(paths.collectionOf({ apiVersion: 'v1', kind: 'Pod' })).rejects.toMatchObject({
      code: 'ERR_KUBE_UNKNOWN_KIND',
    });
    await expect(
      paths.collectionOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }),
    ).rejects.toMatchObject({
      code: 'ERR_KUBE_NO_NAMESPACE',
    });
    await expect(paths.pathOf({ apiVersion: 'v1', kind: 'Node' })).rejects.toMatchObject({
      code: 'ERR_KUBE_NO_NAME',
    });
    const crd = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { namespace: 'ns' } };
    await expect(paths.collectionOf(crd)).rejects.toMatchObject({ status: 404 });
    await expect(paths.collectionOf(crd)).rejects.toMatchObject({ status: 404 });
    expect(asked.filter((a) => a.includes('example.com'))).toHaveLength(2);
  });
});
