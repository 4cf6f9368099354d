/**
 * startEnvtest: a real etcd and kube-apiserver, ready to serve, with a kubeconfig per user.
 * Tests share one instance per run (see ./vitest/global-setup.ts) and isolate by namespace.
 * There is no controller-manager and no kubelet: Deployments create no Pods, namespaces never
 * finish deleting, and tests create EndpointSlices themselves.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Binaries, ensureBinaries } from './ensure-binaries.ts';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import type { ApiConnection } from './kubeconfig.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { type RunningApiServer, startApiServer } from './start-api-server.ts';
import { type RunningEtcd, startEtcd } from './start-etcd.ts';
import { adminUserName, type IssuedUser, issueUsers, type TokenUser } from './token-file.ts';

export type EnvtestOptions = {
  /**
   * The address kube-apiserver binds and advertises; default 127.0.0.1. Processes inside a
   * network namespace cannot reach the host's loopback, so the lab passes the host end of its
   * test bridge (a documentation address). Never an unspecified address (0.0.0.0, ::).
   */
  readonly listenAddress?: string;
  /** Static token users besides the admin (RBAC applies to them: bind roles in your test). */
  readonly users?: readonly TokenUser[];
  /** Default dual-stack `198.19.240.0/20,2001:db8:96::/112`, so dual-stack Services validate. */
  readonly serviceClusterIpRange?: string;
  /** Prebuilt binaries; default ensureBinaries() (builds on first use). */
  readonly binaries?: Binaries;
  /** Working directory (certs, logs, etcd data, kubeconfigs); default a new temp dir. */
  readonly dir?: string;
  /** Keep a temp working directory after stop() (logs for debugging); a given `dir` is always kept. */
  readonly keepDir?: boolean;
  readonly extraApiServerArgs?: readonly string[];
  /** Per server; default 120 s (two shared cores can be slow). */
  readonly readyTimeoutMs?: number;
};

/** A static user of a running envtest, with its own kubeconfig. */
export type EnvtestUser = IssuedUser & { readonly kubeconfigPath: string };

export type Envtest = {
  /** Admin kubeconfig (group system:masters). */
  readonly kubeconfigPath: string;
  /** `https://ADDRESS:PORT`. */
  readonly server: string;
  /** Admin connection (server, CA, token). */
  readonly connection: ApiConnection;
  readonly listenAddress: string;
  readonly dir: string;
  /** The static users from options, by name. */
  readonly users: ReadonlyMap<string, EnvtestUser>;
  /** Stops kube-apiserver, then etcd, then removes the temp working directory (unless keepDir). */
  stop(): Promise<void>;
};

const defaultReadyTimeoutMs = 120_000;
const startAttempts = 3;

/** Throws ERR_ENVTEST_BAD_ADDRESS unless `address` is a specific IP literal. */
export function checkListenAddress(address: string): void {
  const family = isIP(address);
  const unspecified = address === '0.0.0.0' || (family === 6 && /^[0:]+$/.test(address));
  if (family === 0 || unspecified) {
    throw new EnvtestError(
      EnvtestErrorCode.badAddress,
      `listen address "${address}" must be one specific IP address (never 0.0.0.0 or ::)`,
      { address },
    );
  }
}

async function startServers(
  binaries: Binaries,
  dir: string,
  options: EnvtestOptions,
  users: readonly [IssuedUser, ...IssuedUser[]],
): Promise<{ etcd: RunningEtcd; apiServer: RunningApiServer }> {
  const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
  let lastError: unknown;
  // A free port can be taken between probing and binding; a fresh attempt picks new ones.
  for (let attempt = 1; attempt <= startAttempts; attempt += 1) {
    const attemptDir = path.join(dir, `attempt-${attempt}`);
    let etcd: RunningEtcd | undefined;
    try {
      etcd = await startEtcd(binaries.etcd, attemptDir, readyTimeoutMs);
      const apiServer = await startApiServer({
        binary: binaries.kubeApiserver,
        dir: attemptDir,
        etcdUrl: etcd.clientUrl,
        listenAddress: options.listenAddress ?? '127.0.0.1',
        users,
        serviceClusterIpRange: options.serviceClusterIpRange ?? '198.19.240.0/20,2001:db8:96::/112',
        extraArgs: options.extraApiServerArgs ?? [],
        readyTimeoutMs,
      });
      return { etcd, apiServer };
    } catch (error) {
      lastError = error;
      await etcd?.process.stop();
      const processExited = error instanceof EnvtestError && error.code === EnvtestErrorCode.processExited;
      if (!processExited) break;
    }
  }
  throw lastError;
}

export async function startEnvtest(options: EnvtestOptions = {}): Promise<Envtest> {
  const listenAddress = options.listenAddress ?? '127.0.0.1';
  checkListenAddress(listenAddress);
  const binaries = options.binaries ?? (await ensureBinaries());
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'bmlb-envtest-')));
  const [admin, ...others] = issueUsers([
    { name: adminUserName, groups: ['system:masters'] },
    ...(options.users ?? []),
  ]);
  if (admin === undefined) throw new Error('unreachable: no admin user');
  const started = Date.now();
  const { etcd, apiServer } = await startServers(binaries, dir, options, [admin, ...others]);
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, apiServer.connection, admin.name);
  const users = new Map<string, EnvtestUser>();
  for (const user of others) {
    const userKubeconfig = path.join(dir, `kubeconfig-${user.name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    await writeKubeconfig(userKubeconfig, { ...apiServer.connection, token: user.token }, user.name);
    users.set(user.name, { ...user, kubeconfigPath: userKubeconfig });
  }
  process.stderr.write(
    `[envtest] kube-apiserver ready at ${apiServer.connection.server} after ${((Date.now() - started) / 1000).toFixed(1)} s; kubeconfig "${kubeconfigPath}"\n`,
  );
  let stopped: Promise<void> | undefined;
  return {
    kubeconfigPath,
    server: apiServer.connection.server,
    connection: apiServer.connection,
    listenAddress,
    dir,
    users,
    stop() {
      stopped ??= (async () => {
        await apiServer.process.stop();
        await etcd.process.stop();
        if (options.dir === undefined && !options.keepDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
