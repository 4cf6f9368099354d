import path from 'node:path';
import { impersonationHeaders } from './impersonation-headers.ts';
import type { KubeConnection } from './kube-config.ts';
import { proxyForServer } from './proxy-for-server.ts';
import { ReloadingFile } from './reloading-file.ts';

/** The in-cluster ServiceAccount mount. */
export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The Pod's ServiceAccount: the token and the CA bundle are re-read on every refresh (the kubelet
 * rotates the projected token; the cluster CA can be rotated too).
 */
export function loadInCluster(
  env: NodeJS.ProcessEnv,
  dir: string,
  impersonation: Readonly<Record<string, unknown>> = {},
): KubeConnection {
  const source = 'in-cluster service account';
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const ca = new ReloadingFile(path.join(dir, 'ca.crt'), 'ca.crt', source);
  const token = new ReloadingFile(path.join(dir, 'token'), 'token file', source);
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const proxy = proxyForServer(server, undefined, env, source);
  const impersonate = impersonationHeaders(impersonation);
  return {
    server,
    ...(proxy ? { proxy } : {}),
    credentials: async () => ({
      headers: { ...impersonate, authorization: `Bearer ${token.read().toString('utf8').trim()}` },
      tls: { ca: ca.read() },
    }),
  };
}
