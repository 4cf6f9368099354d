/**
 * deploy/rbac/speaker.yaml grants the speaker read access to the BGP kinds and Secrets in its own
 * namespace, its own ServiceBGPStatus objects, and nothing more on them, and lets it create
 * events.k8s.io Events: applied to a real API server (in a test namespace, cluster-scoped names
 * prefixed, as the chart does per release), then asked with SubjectAccessReviews. The layer-2 grants are proven sufficient by
 * apps/speaker's e2e, which runs as this ServiceAccount.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createTestNamespace,
  openKubeClient,
  type ResourceAttributes,
  serviceAccountMay,
} from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { ContentType, type HttpKubeClient } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployDir } from '../src/deploy-paths.ts';
import { type KubeObject, parseManifests } from '../src/manifests.ts';

const envtest = injectEnvtest();

const collections: Readonly<Record<string, (namespace: string) => string>> = {
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
};

const bgpKinds = ['bgppeers', 'bgpadvertisements', 'communities', 'bfdprofiles'] as const;

describe.skipIf(!envtest)('speaker RBAC for BGP mode (deploy/rbac/speaker.yaml)', () => {
  let api: HttpKubeClient;
  let namespace: string;
  afterAll(async () => api?.close());

  const allowed = (attributes: ResourceAttributes) =>
    serviceAccountMay(api, { namespace, name: 'speaker' }, attributes);

  beforeAll(async () => {
    api = openKubeClient(envtest!.kubeconfigPath);
    namespace = await createTestNamespace(envtest!.kubeconfigPath, 'speaker-rbac');
    const text = (await readFile(path.join(deployDir, 'rbac', 'speaker.yaml'), 'utf8'))
      .replaceAll('namespace: metallb-system', `namespace: ${namespace}`)
      .replaceAll('name: baremetal-lb:', `name: ${namespace}:`);
    for (const object of parseManifests(text) as KubeObject[]) {
      const collection = collections[object.kind];
      if (collection === undefined)
        throw new Error(`unexpected kind ${object.kind} in deploy/rbac/speaker.yaml`);
      await api.request('PATCH', `${collection(namespace)}/${object.metadata.name}`, {
        query: { fieldManager: 'deploy-check', force: 'true' },
        body: object,
        contentType: ContentType.applyPatch,
      });
    }
  });

  it.each(bgpKinds)('lets the speaker list and watch %s in its namespace', async (resource) => {
    for (const verb of ['list', 'watch']) {
      expect({ verb, allowed: await allowed({ verb, resource, group: 'metallb.io', namespace }) }).toEqual({
        verb,
        allowed: true,
      });
    }
  });

  it.each(bgpKinds)('does not let the speaker write %s, nor read them elsewhere', async (resource) => {
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect({ verb, allowed: await allowed({ verb, resource, group: 'metallb.io', namespace }) }).toEqual({
        verb,
        allowed: false,
      });
    }
    expect(await allowed({ verb: 'list', resource, group: 'metallb.io', namespace: 'default' })).toBe(false);
    expect(await allowed({ verb: 'list', resource, group: 'metallb.io' })).toBe(false);
  });

  it("lets the speaker create events.k8s.io Events (packages/kube's recorder), not core/v1 ones", async () => {
    expect(
      await allowed({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: 'default' }),
    ).toBe(true);
    expect(await allowed({ verb: 'create', resource: 'events', group: '', namespace: 'default' })).toBe(
      false,
    );
    expect(
      await allowed({ verb: 'list', resource: 'events', group: 'events.k8s.io', namespace: 'default' }),
    ).toBe(false);
  });

  it('lets the speaker list and watch Secrets in its namespace only, and never write them', async () => {
    for (const verb of ['list', 'watch']) {
      expect({ verb, allowed: await allowed({ verb, resource: 'secrets', namespace }) }).toEqual({
        verb,
        allowed: true,
      });
      expect(await allowed({ verb, resource: 'secrets', namespace: 'default' })).toBe(false);
      expect(await allowed({ verb, resource: 'secrets' })).toBe(false);
    }
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect({ verb, allowed: await allowed({ verb, resource: 'secrets', namespace }) }).toEqual({
        verb,
        allowed: false,
      });
    }
  });

  it('lets the speaker manage ServiceBGPStatus objects in its namespace, status through the subresource', async () => {
    const group = 'metallb.io';
    const resource = 'servicebgpstatuses';
    for (const verb of ['list', 'watch', 'get', 'create', 'delete']) {
      expect({ verb, allowed: await allowed({ verb, resource, group, namespace }) }).toEqual({
        verb,
        allowed: true,
      });
    }
    expect(await allowed({ verb: 'update', resource, group, namespace, subresource: 'status' })).toBe(true);
    for (const verb of ['update', 'patch', 'deletecollection']) {
      expect({ verb, allowed: await allowed({ verb, resource, group, namespace }) }).toEqual({
        verb,
        allowed: false,
      });
    }
    expect(await allowed({ verb: 'create', resource, group, namespace: 'default' })).toBe(false);
  });
});
