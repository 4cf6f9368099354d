/**
 * kube-apiserver for one envtest. The flags are those a lone API server needs on a test host:
 * no default route (so the advertise address is explicit and the endpoint reconciler is off),
 * RBAC with a static admin token, a generated service-account key, and no ServiceAccount
 * admission plugin (no controller-manager creates the tokens it would require).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findFreePort } from './free-port.ts';
import type { ApiConnection } from './kubeconfig.ts';
import { type ManagedProcess, startManagedProcess } from './managed-process.ts';
import { kubeClientOf } from './open-kube-client.ts';
import { formatTokenFile, type IssuedUser } from './token-file.ts';
import { waitUntil } from './wait-until.ts';

export type ApiServerSettings = {
  readonly binary: string;
  readonly dir: string;
  readonly etcdUrl: string;
  readonly listenAddress: string;
  /** users[0] is the admin whose token probes readiness. */
  readonly users: readonly [IssuedUser, ...IssuedUser[]];
  readonly serviceClusterIpRange: string;
  readonly extraArgs: readonly string[];
  readonly readyTimeoutMs: number;
};

export type RunningApiServer = { readonly process: ManagedProcess; readonly connection: ApiConnection };

export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

/** The flag name of `--name=value`. */
function flagName(arg: string): string {
  return arg.split('=')[0]!;
}

/**
 * `defaults` without the flags that `extra` sets again, then `extra`. A repeated list flag
 * (`--disable-admission-plugins`) would append to the default instead of replacing it, so a real
 * cluster could not turn the ServiceAccount admission plugin back on.
 */
export function withOverrides(defaults: readonly string[], extra: readonly string[]): string[] {
  const overridden = new Set(extra.map(flagName));
  return [...defaults.filter((arg) => !overridden.has(flagName(arg))), ...extra];
}

function serverUrl(address: string, port: number): string {
  return address.includes(':') ? `https://[${address}]:${port}` : `https://${address}:${port}`;
}

export async function startApiServer(settings: ApiServerSettings): Promise<RunningApiServer> {
  const { dir } = settings;
  const certDir = path.join(dir, 'certs');
  await mkdir(certDir, { recursive: true, mode: 0o700 });
  const tokenFile = path.join(dir, 'tokens.csv');
  await writeFile(tokenFile, formatTokenFile(settings.users), { mode: 0o600 });
  const serviceAccountKey = path.join(dir, 'service-account.key');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const port = await findFreePort(settings.listenAddress);
  const defaults = [
    `--etcd-servers=${settings.etcdUrl}`,
    `--cert-dir=${certDir}`,
    `--bind-address=${settings.listenAddress}`,
    `--advertise-address=${settings.listenAddress}`,
    `--secure-port=${port}`,
    '--endpoint-reconciler-type=none',
    '--authorization-mode=RBAC',
    `--token-auth-file=${tokenFile}`,
    `--service-account-key-file=${serviceAccountKey}`,
    `--service-account-signing-key-file=${serviceAccountKey}`,
    `--service-account-issuer=${serviceAccountIssuer}`,
    '--disable-admission-plugins=ServiceAccount',
    `--service-cluster-ip-range=${settings.serviceClusterIpRange}`,
    // deploy/ has a speaker DaemonSet with hostNetwork and NET_RAW; tests may apply it.
    '--allow-privileged=true',
    // Request queuing only adds latency and CPU on a single-user test server.
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ];
  const process = startManagedProcess(
    'kube-apiserver',
    settings.binary,
    withOverrides(defaults, settings.extraArgs),
    path.join(dir, 'kube-apiserver.log'),
  );
  const certFile = path.join(certDir, 'apiserver.crt');
  const server = serverUrl(settings.listenAddress, port);
  let connection: ApiConnection | undefined;
  try {
    await waitUntil(
      `kube-apiserver on ${server}`,
      async () => {
        if (!existsSync(certFile)) return false;
        // Read the certificate on every attempt: the server may still be writing it.
        const candidate = { server, caPem: await readFile(certFile, 'utf8'), token: settings.users[0].token };
        const client = kubeClientOf(candidate, { requestTimeoutMs: 5_000 });
        try {
          // Throws until ready (503, or no answer yet): waitUntil keeps the last error for its message.
          await client.request('GET', '/readyz');
        } finally {
          await client.close();
        }
        connection = candidate;
        return true;
      },
      { timeoutMs: settings.readyTimeoutMs, exited: process.exited },
    );
  } catch (error) {
    await process.stop();
    throw error;
  }
  if (connection === undefined) throw new Error('unreachable: ready without a connection');
  return { process, connection };
}
