/**
 * Least-privilege identities at run time. The static token file is read once at server start,
 * so tests that need a new identity get a ServiceAccount and a bound token from the TokenRequest
 * API instead; RBAC subjects name it as kind ServiceAccount (or user
 * `system:serviceaccount:NAMESPACE:NAME`).
 */
import path from 'node:path';
import { type HttpKubeClient, KubeApiError } from '@baremetal-lb/kube';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { readKubeconfig, writeKubeconfig } from './kubeconfig.ts';
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
 * Creates (if missing) the namespace and ServiceAccount, requests a token for it with the admin
 * kubeconfig, and writes a kubeconfig that authenticates as that ServiceAccount.
 */
export async function createServiceAccountKubeconfig(
  adminKubeconfigPath: string,
  options: ServiceAccountKubeconfigOptions,
): Promise<ServiceAccountIdentity> {
  const admin = await readKubeconfig(adminKubeconfigPath);
  const client = kubeClientOf(admin);
  try {
    const token = await requestToken(client, options);
    const userName = `system:serviceaccount:${options.namespace}:${options.name}`;
    const kubeconfigPath =
      options.kubeconfigPath ??
      path.join(path.dirname(adminKubeconfigPath), `kubeconfig-sa-${options.namespace}-${options.name}`);
    await writeKubeconfig(kubeconfigPath, { ...admin, token }, userName);
    return { namespace: options.namespace, name: options.name, userName, token, kubeconfigPath };
  } finally {
    await client.close();
  }
}

/** Creates the namespace and ServiceAccount unless they exist, and a token for the account. */
async function requestToken(
  client: HttpKubeClient,
  options: ServiceAccountKubeconfigOptions,
): Promise<string> {
  const { namespace, name } = options;
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
  const tokenRequest = await client.request<{ status?: { token?: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: options.expirationSeconds ?? 86_400 },
      },
    },
  );
  const token = tokenRequest.status?.token;
  if (!token) {
    throw new EnvtestError(
      EnvtestErrorCode.requestFailed,
      `TokenRequest for "${namespace}/${name}" returned no token`,
      {
        namespace,
        name,
      },
    );
  }
  return token;
}
