/**
 * Kubeconfig files for the test API server. Written as JSON (valid YAML) with the CA embedded, so
 * a process in another network namespace or a container needs only this one file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tokenKubeconfig } from '@baremetal-lb/kube';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

/** Where an API server is and how to trust and authenticate to it: what a kubeconfig here holds. */
export type ApiConnection = {
  /** `https://host:port`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** Bearer token. */
  readonly token: string;
};

/** The context of every kubeconfig written here. */
export const envtestContext = 'envtest';

/** A kubeconfig document for one user of the server in `connection`. */
export function buildKubeconfig(connection: ApiConnection, userName = 'envtest-admin'): object {
  return tokenKubeconfig(connection, { user: userName, context: envtestContext });
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

/** The current-context of writeDecoyKubeconfig: a server on 127.0.0.1 port 1, where nothing listens. */
export const decoyContext = 'nowhere';

/**
 * Copies the kubeconfig at `source` (one this harness wrote) to `target` with a second context,
 * `nowhere`, made current: for tests that `--context envtest` is honoured, since the default
 * context refuses every connection.
 */
export async function writeDecoyKubeconfig(source: string, target: string): Promise<void> {
  const config = JSON.parse(await readFile(source, 'utf8')) as {
    clusters: object[];
    contexts: { name: string; context: { user: string } }[];
  };
  const user = config.contexts[0]?.context.user;
  const decoy = {
    ...config,
    clusters: [...config.clusters, { name: decoyContext, cluster: { server: 'https://127.0.0.1:1' } }],
    contexts: [...config.contexts, { name: decoyContext, context: { cluster: decoyContext, user } }],
    'current-context': decoyContext,
  };
  await writeFile(target, `${JSON.stringify(decoy, null, 2)}\n`, { mode: 0o600 });
}
