/**
 * A kubeconfig that authenticates as a ServiceAccount, with a bound token from the TokenRequest
 * API: what the kubelet mounts into a pod. The lab runs the controller and the speakers with
 * these, so they hold exactly the rights of deploy/rbac; tools/envtest hands them to tests.
 */
import { writeFile } from 'node:fs/promises';
import {
  type KubeClient,
  requestServiceAccountToken,
  type ServiceAccountRef,
  type ServiceAccountTokenOptions,
  tokenKubeconfig,
} from '@baremetal-lb/kube';

/** The API server as its admin reaches it: a client, and what a kubeconfig for it names. */
export type ClusterAdmin = {
  readonly kube: KubeClient;
  /** `https://host:port`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
};

export type ServiceAccountKubeconfigOptions = ServiceAccountTokenOptions & {
  /** The context's name; default the user's, `system:serviceaccount:NAMESPACE:NAME`. */
  readonly context?: string;
};

/**
 * Writes `file` (owner-only: it holds a token) for `account`, which must exist, and returns the
 * token.
 */
export async function writeServiceAccountKubeconfig(
  admin: ClusterAdmin,
  account: ServiceAccountRef,
  file: string,
  options: ServiceAccountKubeconfigOptions = {},
): Promise<string> {
  const { context, ...tokenOptions } = options;
  const token = await requestServiceAccountToken(admin.kube, account, tokenOptions);
  const user = `system:serviceaccount:${account.namespace}:${account.name}`;
  const document = tokenKubeconfig(
    { server: admin.server, caPem: admin.caPem, token },
    { user, namespace: account.namespace, ...(context === undefined ? {} : { context }) },
  );
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  return token;
}
