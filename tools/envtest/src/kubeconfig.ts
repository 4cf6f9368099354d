/**
 * Kubeconfig files for the test API server. Written as JSON (valid YAML) with the CA embedded, so
 * a process in another network namespace or a container needs only this one file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { ApiConnection } from './api-request.ts';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

const contextName = 'envtest';

/** A kubeconfig document for one user of the server in `connection`. */
export function buildKubeconfig(connection: ApiConnection, userName = 'envtest-admin'): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: contextName,
        cluster: {
          server: connection.server,
          'certificate-authority-data': Buffer.from(connection.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: userName, user: { token: connection.token } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: userName } }],
    'current-context': contextName,
  };
}

/** Writes a kubeconfig readable only by its owner (it holds a token). */
export async function writeKubeconfig(
  path: string,
  connection: ApiConnection,
  userName?: string,
): Promise<void> {
  await writeFile(path, `${JSON.stringify(buildKubeconfig(connection, userName), null, 2)}\n`, {
    mode: 0o600,
  });
}

type KubeconfigShape = {
  readonly clusters?: readonly { readonly cluster?: Record<string, string> }[];
  readonly users?: readonly { readonly user?: Record<string, string> }[];
};

/**
 * Reads back the server, CA and token of a kubeconfig written by writeKubeconfig (first
 * cluster and user; token authentication only).
 */
export async function readKubeconfig(path: string): Promise<ApiConnection> {
  let parsed: KubeconfigShape;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as KubeconfigShape;
  } catch (error) {
    throw new EnvtestError(
      EnvtestErrorCode.badKubeconfig,
      `cannot read kubeconfig "${path}"`,
      { path },
      error,
    );
  }
  const cluster = parsed.clusters?.[0]?.cluster;
  const token = parsed.users?.[0]?.user?.token;
  const server = cluster?.server;
  const caData = cluster?.['certificate-authority-data'];
  if (!server || !caData || !token) {
    throw new EnvtestError(
      EnvtestErrorCode.badKubeconfig,
      `kubeconfig "${path}" lacks a server, certificate-authority-data or token`,
      { path },
    );
  }
  return { server, caPem: Buffer.from(caData, 'base64').toString('utf8'), token };
}
