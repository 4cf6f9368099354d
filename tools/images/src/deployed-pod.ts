/**
 * The pod of an app as deploy/ declares it (deploy/controller.yaml, deploy/speaker.yaml), turned
 * into `podman run` flags that give the container what a kubelet would: the user and groups, the
 * read-only root file system (and no tmpfs podman would add), the capabilities, no privilege
 * escalation, the seccomp profile, the memory limit and the stop grace period. A security
 * setting this does not know is an error, never silently dropped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { AppName } from './app-images.ts';
import { ImageError } from './image-error.ts';
import { repoRoot } from './repo-paths.ts';

type SecurityContext = Readonly<Record<string, unknown>>;
type Container = {
  readonly name: string;
  readonly securityContext?: SecurityContext;
  readonly resources?: { readonly limits?: Readonly<Record<string, string>> };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
};
export type DeployedPod = {
  readonly hostNetwork?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: SecurityContext;
  readonly containers: readonly Container[];
  readonly volumes?: readonly {
    readonly name: string;
    readonly secret?: { readonly defaultMode?: number };
  }[];
};

export class UnsupportedPodSettingError extends ImageError {
  constructor(what: string) {
    super('ERR_IMAGE_POD_SETTING', `deploy/: ${what} has no podman equivalent in tools/images`);
  }
}

export function readDeployedPod(app: AppName, root: string = repoRoot): DeployedPod {
  const manifest = parse(readFileSync(path.join(root, 'deploy', `${app}.yaml`), 'utf8')) as {
    spec: { template: { spec: DeployedPod } };
  };
  return manifest.spec.template.spec;
}

const podKeys = new Set(['runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'seccompProfile']);
const containerKeys = new Set([
  'allowPrivilegeEscalation',
  'readOnlyRootFilesystem',
  'capabilities',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
]);

/** `podman run` flags for the pod's one container. */
export function podmanPodArgs(pod: DeployedPod): string[] {
  const container = pod.containers[0];
  if (container === undefined || pod.containers.length !== 1) {
    throw new UnsupportedPodSettingError(`a pod with ${pod.containers.length} containers`);
  }
  const podContext = pod.securityContext ?? {};
  const context = container.securityContext ?? {};
  for (const key of Object.keys(podContext))
    if (!podKeys.has(key)) throw new UnsupportedPodSettingError(`pod securityContext.${key}`);
  for (const key of Object.keys(context))
    if (!containerKeys.has(key)) throw new UnsupportedPodSettingError(`container securityContext.${key}`);
  const setting = (key: string) => context[key] ?? podContext[key];

  const args: string[] = [];
  const user = setting('runAsUser');
  const group = setting('runAsGroup');
  if (user !== undefined) args.push(`--user=${user}${group === undefined ? '' : `:${group}`}`);
  if (setting('runAsNonRoot') === true && user === 0) {
    throw new UnsupportedPodSettingError('runAsNonRoot with runAsUser 0 (a kubelet refuses to start it)');
  }
  if (podContext.fsGroup !== undefined) args.push(`--group-add=${podContext.fsGroup}`);
  // Kubernetes runs a container without seccompProfile unconfined (kubelet's seccompDefault is off).
  const seccomp = (podContext.seccompProfile as { type?: string } | undefined)?.type;
  if (seccomp === undefined || seccomp === 'Unconfined') args.push('--security-opt=seccomp=unconfined');
  else if (seccomp !== 'RuntimeDefault') throw new UnsupportedPodSettingError(`seccompProfile ${seccomp}`);
  if (context.allowPrivilegeEscalation === false) args.push('--security-opt=no-new-privileges');
  // A kubelet mounts no tmpfs over /tmp, /run or /var/tmp; podman would, unless told not to.
  if (context.readOnlyRootFilesystem === true) args.push('--read-only', '--read-only-tmpfs=false');
  const capabilities = (context.capabilities ?? {}) as { drop?: string[]; add?: string[] };
  for (const cap of capabilities.drop ?? []) args.push(`--cap-drop=${cap}`);
  for (const cap of capabilities.add ?? []) args.push(`--cap-add=${cap}`);
  const memory = container.resources?.limits?.memory;
  if (memory !== undefined) args.push(`--memory=${podmanMemory(memory)}`);
  if (pod.terminationGracePeriodSeconds !== undefined) {
    args.push(`--stop-timeout=${pod.terminationGracePeriodSeconds}`);
  }
  return args;
}

/** Kubernetes quantities (Mi, Gi) as podman sizes (m, g: both binary). */
function podmanMemory(quantity: string): string {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (match === null) throw new UnsupportedPodSettingError(`memory limit "${quantity}"`);
  return `${match[1]}${match[2] === 'Mi' ? 'm' : 'g'}`;
}

/** Where the pod mounts Secret `memberlist`, and the mode of its files. */
export function memberlistMount(
  pod: DeployedPod,
): { readonly mountPath: string; readonly mode: number } | undefined {
  const mount = pod.containers[0]?.volumeMounts?.find((m) =>
    pod.volumes?.some((v) => v.name === m.name && v.secret !== undefined),
  );
  if (mount === undefined) return undefined;
  const volume = pod.volumes?.find((v) => v.name === mount.name);
  return { mountPath: mount.mountPath, mode: volume?.secret?.defaultMode ?? 0o644 };
}
