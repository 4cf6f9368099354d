import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createServiceAccountKubeconfig } from '@baremetal-lb/envtest';
import { type HttpKubeClient, ResourcePaths } from '@baremetal-lb/kube';
import { parseAllDocuments } from 'yaml';

export const rbacFile = path.resolve(import.meta.dirname, '../../../../deploy/rbac/controller.yaml');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/**
 * Applies deploy/rbac/controller.yaml unchanged, plus copies of its namespaced Role and
 * RoleBinding in `namespace` (tests give each controller its own pool namespace; the rules are
 * the file's own). Returns a kubeconfig that authenticates as the controller ServiceAccount.
 */
export async function controllerIdentity(
  admin: HttpKubeClient,
  adminKubeconfig: string,
  namespace: string,
): Promise<string> {
  const manifests = parseAllDocuments(await readFile(rbacFile, 'utf8')).map((d) => d.toJS() as Manifest);
  const paths = new ResourcePaths(admin);
  await ensureNamespace(admin, 'metallb-system');
  await ensureNamespace(admin, namespace);
  for (const manifest of manifests) {
    await create(admin, manifest, await paths.collectionOf(manifest));
    if (
      (manifest.kind === 'Role' || manifest.kind === 'RoleBinding') &&
      namespace !== manifest.metadata.namespace
    ) {
      const copy = { ...manifest, metadata: { ...manifest.metadata, namespace } };
      await create(admin, copy, await paths.collectionOf(copy));
    }
  }
  const identity = await createServiceAccountKubeconfig(adminKubeconfig, {
    namespace: 'metallb-system',
    name: 'controller',
    kubeconfigPath: path.join(path.dirname(adminKubeconfig), `kubeconfig-controller-${namespace}`),
  });
  return identity.kubeconfigPath;
}

async function ensureNamespace(admin: HttpKubeClient, name: string): Promise<void> {
  await create(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, '/api/v1/namespaces');
}

async function create(admin: HttpKubeClient, manifest: Manifest, collection: string): Promise<void> {
  try {
    await admin.request('POST', collection, { body: manifest });
  } catch (error) {
    if ((error as { status?: number }).status !== 409) throw error;
  }
}
