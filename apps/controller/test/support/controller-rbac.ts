import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createServiceAccountKubeconfig } from '@baremetal-lb/envtest';
import type { HttpKubeClient } from '@baremetal-lb/kube';
import { loadAllYaml } from '@kubernetes/client-node';

export const rbacFile = path.resolve(import.meta.dirname, '../../../../deploy/rbac/controller.yaml');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

const paths: Record<string, (m: Manifest) => string> = {
  ServiceAccount: (m) => `/api/v1/namespaces/${m.metadata.namespace}/serviceaccounts`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Role: (m) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${m.metadata.namespace}/roles`,
  RoleBinding: (m) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${m.metadata.namespace}/rolebindings`,
};

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
  const manifests = loadAllYaml(await readFile(rbacFile, 'utf8')) as Manifest[];
  await ensureNamespace(admin, 'metallb-system');
  await ensureNamespace(admin, namespace);
  for (const manifest of manifests) {
    await create(admin, manifest);
    if (
      (manifest.kind === 'Role' || manifest.kind === 'RoleBinding') &&
      namespace !== manifest.metadata.namespace
    ) {
      await create(admin, { ...manifest, metadata: { ...manifest.metadata, namespace } });
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

async function create(admin: HttpKubeClient, manifest: Manifest, at?: string): Promise<void> {
  const target = at ?? paths[manifest.kind]?.(manifest);
  if (!target) throw new Error(`no path for kind "${manifest.kind}"`);
  try {
    await admin.request('POST', target, { body: manifest });
  } catch (error) {
    if ((error as { status?: number }).status !== 409) throw error;
  }
}
