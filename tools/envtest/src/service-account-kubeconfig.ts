/**
 * Least-privilege identities at run time. The static token file is read once at server start,
 * so tests that need a new identity get a ServiceAccount and a bound token from the TokenRequest
 * API instead; RBAC subjects name it as kind ServiceAccount (or user
 * `system:serviceaccount:NAMESPACE:NAME`).
 */
import path from 'node:path';
import { type ApiConnection, callApi, sendApiRequest } from './api-request.ts';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { readKubeconfig, writeKubeconfig } from './kubeconfig.ts';

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

async function createIgnoringConflict(
  connection: ApiConnection,
  apiPath: string,
  body: object,
): Promise<void> {
  const response = await sendApiRequest(connection, { method: 'POST', path: apiPath, body });
  if (response.status === 409 || (response.status >= 200 && response.status < 300)) return;
  throw new EnvtestError(
    EnvtestErrorCode.requestFailed,
    `POST ${apiPath} returned ${response.status}: ${response.body.slice(0, 500)}`,
    { path: apiPath, status: response.status },
  );
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
  const { namespace, name } = options;
  await createIgnoringConflict(admin, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await createIgnoringConflict(admin, `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name },
  });
  const tokenRequest = await callApi<{ status?: { token?: string } }>(admin, {
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: options.expirationSeconds ?? 86_400 },
    },
  });
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
  const userName = `system:serviceaccount:${namespace}:${name}`;
  const kubeconfigPath =
    options.kubeconfigPath ??
    path.join(path.dirname(adminKubeconfigPath), `kubeconfig-sa-${namespace}-${name}`);
  await writeKubeconfig(kubeconfigPath, { ...admin, token }, userName);
  return { namespace, name, userName, token, kubeconfigPath };
}
