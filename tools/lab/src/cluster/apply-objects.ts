/**
 * `kubectl apply --server-side` for a list of objects through @kubernetes/client-node, one by one
 * in the given order (CRDs and namespaces first, as kubectl sorts them).
 */
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { KubeObject } from '../deploy/kube-manifest.ts';

export async function applyObjects(
  kc: KubeConfig,
  objects: readonly KubeObject[],
  fieldManager = 'baremetal-lb-lab',
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const rank = (o: KubeObject) =>
    o.kind === 'CustomResourceDefinition' ? 0 : o.kind === 'Namespace' ? 1 : 2;
  for (const object of [...objects].sort((a, b) => rank(a) - rank(b))) {
    await api.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
