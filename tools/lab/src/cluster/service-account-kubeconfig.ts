/**
 * A kubeconfig that authenticates as a ServiceAccount, with a bound token from the TokenRequest
 * API: what the kubelet mounts into a pod. The lab runs the controller and the speakers with
 * these, so they hold exactly the rights of deploy/rbac.
 */
import { writeFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { LabError } from '../lab-error.ts';

/** Why 24 h: longer than any lab session; the API server caps it anyway. */
const tokenLifetimeSeconds = 86_400;

export async function writeServiceAccountKubeconfig(
  admin: KubeConfig,
  identity: { readonly namespace: string; readonly name: string },
  file: string,
): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    name: identity.name,
    namespace: identity.namespace,
    body: { spec: { audiences: [], expirationSeconds: tokenLifetimeSeconds } },
  });
  const token = request.status?.token;
  const cluster = admin.getCurrentCluster();
  if (token === undefined || cluster === null) {
    throw new LabError(
      'ERR_LAB_SERVICE_ACCOUNT',
      `no token for ServiceAccount "${identity.namespace}/${identity.name}"`,
    );
  }
  const user = `system:serviceaccount:${identity.namespace}:${identity.name}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace: identity.namespace }],
    currentContext: user,
  });
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}
