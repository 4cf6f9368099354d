/**
 * The lab's apps as podman containers from the images, run the way a kubelet runs deploy/'s
 * pods: deploy/'s securityContext, resources and grace period (deployed-pod.ts); the node's
 * network (`--network ns:/run/netns/NODE`, what hostNetwork gives the speaker; the controller
 * shares m1's, as the lab's processes do); a bound ServiceAccount token from the TokenRequest API
 * with the API server's CA and the namespace, mounted read-only at the in-cluster path; the
 * in-cluster environment variables and the downward-API ones; no kubeconfig. Tokens can be
 * rotated the way a kubelet does: a new file in the mounted directory, the old token revoked.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type KubeObject, requestServiceAccountToken } from '@baremetal-lb/kube';
import {
  type AppLaunch,
  type AppLauncher,
  type ClusterAdmin,
  childApp,
  logTo,
  type RunningApp,
  registerCleanup,
} from '@baremetal-lb/lab';
import { appImageRef } from './app-images.ts';
import { memberlistMount, podmanPodArgs, readDeployedPod } from './deployed-pod.ts';
import { ImageError } from './image-error.ts';
import type { Podman } from './podman.ts';

/** The in-cluster ServiceAccount mount (what client-go and our apps read). */
export const serviceAccountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

type Launched = {
  readonly spec: AppLaunch;
  readonly container: string;
  readonly tokenDir: string;
  /** The Secret the current token is bound to; deleting it revokes the token. */
  binding: string;
  readonly app: RunningApp;
};

export type ContainerLauncher = AppLauncher & {
  /** Container name of a launched app (by the lab's app name, e.g. speaker-w1). */
  containerOf(name: string): string;
  /** How an app was launched (to launch it again). */
  specOf(name: string): AppLaunch;
  /** The token currently mounted into the app. */
  currentToken(name: string): string;
  /**
   * A kubelet's rotation: a new bound token written into the mounted directory (atomically, by
   * rename), then the old one revoked (its bound Secret deleted). Resolves with the old token.
   */
  rotateToken(name: string): Promise<string>;
};

export function createContainerLauncher(podman: Podman): ContainerLauncher {
  const launched = new Map<string, Launched>();
  let admin: ClusterAdmin | undefined;
  const removeAllSync = () => {
    const names = [...launched.values()].map((l) => l.container);
    if (names.length > 0)
      spawnSync('podman', ['rm', '--force', '--time=0', ...names], { env: podman.env, stdio: 'ignore' });
  };
  let unregister: (() => void) | undefined;
  let tokens = 0;

  const bindToken = async (spec: AppLaunch) => {
    const { namespace, name } = spec.serviceAccount;
    const binding = `lab-token-${spec.name}-${++tokens}`;
    const secret = await admin!.kube.request<KubeObject>('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      body: { metadata: { name: binding } },
    });
    const token = await requestServiceAccountToken(
      admin!.kube,
      { namespace, name },
      { boundSecret: { name: binding, uid: secret.metadata.uid! } },
    );
    return { binding, token };
  };

  return {
    kind: 'container',
    async launch(spec, clusterAdmin, runDir) {
      admin = clusterAdmin;
      unregister ??= registerCleanup(removeAllSync);
      const pod = readDeployedPod(spec.app);
      const container = `${spec.host.namespace}-${spec.app}`;
      const tokenDir = path.join(runDir, `serviceaccount-${spec.name}`);
      await mkdir(tokenDir, { recursive: true });
      const { binding, token } = await bindToken(spec);
      await writeFile(path.join(tokenDir, 'token'), token, { mode: 0o644 });
      await writeFile(path.join(tokenDir, 'ca.crt'), clusterAdmin.caPem, { mode: 0o644 });
      await writeFile(path.join(tokenDir, 'namespace'), spec.serviceAccount.namespace, { mode: 0o644 });
      const server = new URL(clusterAdmin.server);
      const args = [
        'run',
        '--rm',
        `--name=${container}`,
        `--network=ns:/run/netns/${spec.host.namespace}`,
        ...podmanPodArgs(pod),
        `--volume=${tokenDir}:${serviceAccountPath}:ro`,
        `--env=KUBERNETES_SERVICE_HOST=${server.hostname}`,
        `--env=KUBERNETES_SERVICE_PORT=${server.port || '443'}`,
        `--env=KUBERNETES_SERVICE_PORT_HTTPS=${server.port || '443'}`,
        ...Object.entries(spec.env).map(([key, value]) => `--env=${key}=${value}`),
      ];
      const appArgs = [...spec.args];
      if (spec.memberlistKeyFile !== undefined) {
        const mount = memberlistMount(pod);
        if (mount === undefined)
          throw new ImageError('ERR_IMAGE_NO_SECRET_MOUNT', `deploy/${spec.app}.yaml mounts no Secret`);
        const dir = path.join(runDir, `memberlist-${spec.name}`);
        await mkdir(dir, { recursive: true });
        await copyFile(spec.memberlistKeyFile, path.join(dir, 'secretkey'));
        await chmod(path.join(dir, 'secretkey'), mount.mode);
        args.push(`--volume=${dir}:${mount.mountPath}:ro`);
        appArgs.push(`--ml-secret-path=${path.posix.join(mount.mountPath, 'secretkey')}`);
      }
      const child = podman.spawn([...args, appImageRef(spec.app), ...appArgs]);
      logTo(child, spec.logFile);
      const app = childApp(child, (signal) => {
        void podman.run(['kill', `--signal=${signal}`, container]).catch(() => {});
      });
      launched.set(spec.name, { spec, container, tokenDir, binding, app });
      return app;
    },
    async stopAll() {
      const running = [...launched.values()].filter((l) => !l.app.exited);
      if (running.length > 0) {
        await podman.run(['stop', '--ignore', ...running.map((l) => l.container)]).catch(() => {});
      }
      removeAllSync();
      await Promise.all(running.map((l) => l.app.exit));
      launched.clear();
      unregister?.();
      unregister = undefined;
    },
    containerOf: (name) => entryOf(launched, name).container,
    specOf: (name) => entryOf(launched, name).spec,
    currentToken: (name) => readFileSync(path.join(entryOf(launched, name).tokenDir, 'token'), 'utf8'),
    async rotateToken(name) {
      const entry = entryOf(launched, name);
      const old = readFileSync(path.join(entry.tokenDir, 'token'), 'utf8');
      const { binding, token } = await bindToken(entry.spec);
      const next = path.join(entry.tokenDir, '.token.next');
      await writeFile(next, token, { mode: 0o644 });
      await rename(next, path.join(entry.tokenDir, 'token'));
      await admin!.kube.request(
        'DELETE',
        `/api/v1/namespaces/${entry.spec.serviceAccount.namespace}/secrets/${entry.binding}`,
      );
      entry.binding = binding;
      return old;
    },
  };
}

function entryOf(launched: ReadonlyMap<string, Launched>, name: string): Launched {
  const entry = launched.get(name);
  if (entry === undefined) throw new ImageError('ERR_IMAGE_NOT_LAUNCHED', `no app "${name}" was launched`);
  return entry;
}
