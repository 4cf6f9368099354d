/**
 * Least-privilege identities at run time. The static token file is read once at server start,
 * so tests that need a new identity get a ServiceAccount and a bound token from the TokenRequest
 * API instead; RBAC subjects name it as kind ServiceAccount (or user
 * `system:serviceaccount:NAMESPACE:NAME`).
 */
import path from 'node:path';
import { type HttpKubeClient, KubeApiError } from '@baremetal-lb/kube';
import { writeServiceAccountKubeconfig } from '@baremetal-lb/lab';
import { envtestContext, readKubeconfig } from './kubeconfig.ts';
import { kubeClientOf } from './open-kube-client.ts';

export type ServiceAccountIdentity = {
  readonly namespace: string;
  readonly name: string;
  /** `system:serviceaccount:NAMESPACE:NAME`. */
  readonly userName: string;
  readonly token: string;
  readonly kubeconfigPath: string;
};

export type ServiceAccountKubeconfigOptions = {
  readonly namespace: string;
  readonly name: string;
  /** Default: beside the admin kubeconfig, `kubeconfig-sa-NAMESPACE-NAME`. */
  readonly kubeconfigPath?: string;
  /** Token lifetime; default 24 h. */
  readonly expirationSeconds?: number;
};

async function createIgnoringConflict(client: HttpKubeClient, apiPath: string, body: object): Promise<void> {
  try {
    await client.request('POST', apiPath, { body });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.isConflict)) throw error;
  }
}

/**
 * Creates (if missing) the namespace and ServiceAccount, and writes a kubeconfig that
 * authenticates as that ServiceAccount with a token requested with the admin kubeconfig.
 */
export async function createServiceAccountKubeconfig(
  adminKubeconfigPath: string,
  options: ServiceAccountKubeconfigOptions,
): Promise<ServiceAccountIdentity> {
  const { namespace, name } = options;
  const admin = await readKubeconfig(adminKubeconfigPath);
  const client = kubeClientOf(admin);
  try {
    await createIgnoringConflict(client, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    await createIgnoringConflict(client, `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name },
    });
    const kubeconfigPath =
      options.kubeconfigPath ??
      path.join(path.dirname(adminKubeconfigPath), `kubeconfig-sa-${namespace}-${name}`);
    const token = await writeServiceAccountKubeconfig(
      { kube: client, server: admin.server, caPem: admin.caPem },
      { namespace, name },
      kubeconfigPath,
      {
        context: envtestContext,
        ...(options.expirationSeconds === undefined ? {} : { expirationSeconds: options.expirationSeconds }),
      },
    );
    const userName = `system:serviceaccount:${namespace}:${name}`;
    return { namespace, name, userName, token, kubeconfigPath };
  } finally {
    await client.close();
  }
}
