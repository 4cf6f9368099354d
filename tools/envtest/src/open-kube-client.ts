/**
 * The harness talks to its API server through packages/kube, like the apps: readiness, CRDs,
 * namespaces, token requests, and the tests' own calls.
 */
import { HttpKubeClient, type KubeClientOptions, loadKubeConfig } from '@baremetal-lb/kube';
import type { ApiConnection } from './kubeconfig.ts';

/**
 * Tests create objects by the thousand and the server is theirs alone: a budget far above the
 * apps' default, yet still a limit.
 */
const harnessRateLimit = { qps: 1_000, burst: 1_000 };

/** A client for a connection held in memory (server, CA, token). Close it when done. */
export function kubeClientOf(connection: ApiConnection, options: KubeClientOptions = {}): HttpKubeClient {
  return new HttpKubeClient(
    {
      server: connection.server,
      credentials: async () => ({
        headers: { authorization: `Bearer ${connection.token}` },
        tls: { ca: connection.caPem },
      }),
    },
    { rateLimit: harnessRateLimit, ...options },
  );
}

/**
 * A client for a kubeconfig file, loaded by packages/kube. The environment's proxy variables are
 * ignored: a test server is always reached directly. Close it when done.
 */
export function openKubeClient(kubeconfigPath: string): HttpKubeClient {
  return new HttpKubeClient(loadKubeConfig(kubeconfigPath, {}), { rateLimit: harnessRateLimit });
}

/** Runs `use` with a client for `kubeconfigPath` and closes it afterwards. */
export async function withKubeClient<T>(
  kubeconfigPath: string,
  use: (client: HttpKubeClient) => Promise<T>,
): Promise<T> {
  const client = openKubeClient(kubeconfigPath);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
