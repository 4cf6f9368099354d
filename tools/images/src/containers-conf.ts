/**
 * How this tooling configures podman. Facts checked on the development machines (podman 4.3,
 * runc 1.1, Debian 12, hybrid cgroup v1/v2): podman's default runtime crun refuses the cgroup
 * layout while runc works; podman's default ulimits (nofile 1048576, nproc 4194304) exceed the
 * hard limits there and root lacks CAP_SYS_RESOURCE to raise them, so every `podman run` fails
 * with "error setting rlimit" unless nofile and nproc are given. `default_ulimits` in
 * containers.conf did not take effect there (a run failed on nofile with the conf set to the
 * hard limit, the same value as a `--ulimit` flag worked), so the limits go on every run as flags.
 */
import { readFileSync } from 'node:fs';

/** Hard resource limits of this process (what a container may get at most). */
export type HardLimits = {
  /** RLIMIT_NOFILE; undefined when unlimited. */
  readonly nofile: number | undefined;
  /** RLIMIT_NPROC; undefined when unlimited. */
  readonly nproc: number | undefined;
};

/**
 * Why 32768: runc's container init could not set RLIMIT_NPROC above it on the development
 * machines (32769 failed with EPERM) although the shell's hard limit was 96368 (conmon ran with
 * 32768). It counts every task of the user; the speaker runs as root without CAP_SYS_RESOURCE.
 */
const maxNproc = 32_768;

/** Reads the hard limits from /proc/self/limits (Node has no getrlimit). */
export function readHardLimits(limits: string = readFileSync('/proc/self/limits', 'utf8')): HardLimits {
  const hard = (name: string) => {
    const value = new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, 'm').exec(limits)?.[1];
    return value === undefined || value === 'unlimited' ? undefined : Number(value);
  };
  return { nofile: hard('Max open files'), nproc: hard('Max processes') };
}

/** `--ulimit` flags for `podman run`: the hard limits as both soft and hard. */
export function ulimitFlags(limits: HardLimits): string[] {
  const nproc = Math.min(limits.nproc ?? maxNproc, maxNproc);
  return [
    ...(limits.nofile === undefined ? [] : [`--ulimit=nofile=${limits.nofile}:${limits.nofile}`]),
    `--ulimit=nproc=${nproc}:${nproc}`,
  ];
}

export function renderContainersConf(): string {
  return `# Written by tools/images (npm run images); CONTAINERS_CONF points podman here.
[containers]
# Never podman's default bridge (10.88.0.0/16): every run here names its network
# (ns:/run/netns/NODE for the lab, none for content tests, host for builds).
netns = "none"

[engine]
# crun refuses the hybrid cgroup v1/v2 layout of these machines; runc works.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;
}
