/**
 * A kubeconfig that authenticates as a ServiceAccount, with a bound token from the TokenRequest
 * API: what the kubelet mounts into a pod. The lab runs the controller and the speakers with
 * these, so they hold exactly the rights of deploy/rbac.
 */
import { writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { LabError } from '../lab-error.ts';
import { requestServiceAccountToken, type ServiceAccountIdentity } from './service-account-token.ts';

export async function writeServiceAccountKubeconfig(
  admin: KubeConfig,
  identity: ServiceAccountIdentity,
  file: string,
): Promise<string> {
  const token = await requestServiceAccountToken(admin, identity);
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new LabError('ERR_LAB_SERVICE_ACCOUNT', 'the admin kubeconfig has no cluster');
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
