/**
 * The cgroups of one real-cluster run, `bmlb-rc-<pid>` in every hierarchy under /sys/fs/cgroup:
 * each node's kubelet `cgroupRoot` (`/bmlb-rc-<pid>/<node>`, where the pods go) and, in the pids
 * hierarchy only, `<node>-system` and `control-plane` for the processes the lab starts (containerd
 * and its shims, which inherit its cgroup, kubelet, kube-proxy, the controller-manager and the
 * scheduler). So "everything this run started" is exactly the processes in those cgroups, and
 * clean-up (also on Ctrl-C, synchronously) is: SIGKILL them until none is left, then rmdir the
 * tree. Nothing outside `bmlb-rc-<pid>` is touched; a crashed run's tree is swept by the next run.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { isProcessAlive } from '../is-process-alive.ts';
import { LabError } from '../lab-error.ts';

const cgroupMount = '/sys/fs/cgroup';
const runPrefix = 'bmlb-rc-';
/** Why 15 s: SIGKILLed processes are gone in milliseconds; a process stuck in D state is a fault. */
const killTimeoutMs = 15_000;

/** `bmlb-rc-<pid>`: the run's cgroup name in every hierarchy. */
export function runCgroupName(pid: number = process.pid): string {
  return `${runPrefix}${pid}`;
}

/** The mounted hierarchies (cgroup v1 controllers, name=systemd, and the cgroup2 `unified`). */
export function listHierarchies(): string[] {
  if (!existsSync(cgroupMount)) return [];
  return readdirSync(cgroupMount)
    .map((name) => path.join(cgroupMount, name))
    .filter((dir) => existsSync(path.join(dir, 'cgroup.procs')));
}

/** The v1 hierarchies, where kubelet's cgroupfs driver expects its cgroup root to exist. */
function v1Hierarchies(): string[] {
  return listHierarchies().filter((dir) => !existsSync(path.join(dir, 'cgroup.controllers')));
}

/** mkdir one level; cpuset needs cpus and mems copied from its parent before it can hold tasks. */
async function makeCgroup(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (dir.startsWith(path.join(cgroupMount, 'cpuset'))) {
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const own = (await readFile(path.join(dir, file), 'utf8')).trim();
      if (own === '') await writeFile(path.join(dir, file), await readFile(path.join(dir, '..', file)));
    }
  }
}

/** Creates `/bmlb-rc-<pid>/<node>` in every v1 hierarchy; returns kubelet's `cgroupRoot`. */
export async function createNodeCgroupRoot(node: string): Promise<string> {
  const relative = `/${runCgroupName()}/${node}`;
  const hierarchies = v1Hierarchies();
  if (hierarchies.length === 0) {
    throw new LabError(
      'ERR_LAB_CGROUP',
      'no cgroup v1 hierarchy under /sys/fs/cgroup (kubelet uses cgroupfs)',
    );
  }
  for (const hierarchy of hierarchies) {
    await makeCgroup(path.join(hierarchy, runCgroupName()));
    await makeCgroup(path.join(hierarchy, relative));
  }
  return relative;
}

/** The `cgroup.procs` file of `/bmlb-rc-<pid>/<group>` in the pids hierarchy, created if needed. */
export async function trackingProcsFile(group: string): Promise<string> {
  const dir = path.join(cgroupMount, 'pids', runCgroupName(), group);
  await makeCgroup(path.join(cgroupMount, 'pids', runCgroupName()));
  await makeCgroup(dir);
  return path.join(dir, 'cgroup.procs');
}

/** Every cgroup directory under `top`, deepest first. */
function subtree(top: string): string[] {
  if (!existsSync(top)) return [];
  const below = readdirSync(top)
    .map((name) => path.join(top, name))
    .filter((entry) => statSync(entry).isDirectory());
  return [...below.flatMap(subtree), top];
}

function pidsIn(dirs: readonly string[]): number[] {
  return dirs.flatMap((dir) =>
    (existsSync(path.join(dir, 'cgroup.procs')) ? readFileSync(path.join(dir, 'cgroup.procs'), 'utf8') : '')
      .split('\n')
      .filter((line) => line !== '')
      .map(Number),
  );
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Every cgroup directory of `relative` and below, in every hierarchy. */
function cgroupTree(relative: string): string[] {
  return listHierarchies().flatMap((hierarchy) => subtree(path.join(hierarchy, relative)));
}

/**
 * One pass of the kill: SIGKILLs every process still in `dirs`; true once none is left. Throws
 * past `deadline`.
 */
function killPass(dirs: readonly string[], relative: string, deadline: number): boolean {
  const pids = pidsIn(dirs);
  if (pids.length === 0) return true;
  if (Date.now() > deadline) {
    throw new LabError('ERR_LAB_CGROUP', `processes ${pids.join(', ')} in ${relative} survive SIGKILL`);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited between reading cgroup.procs and the kill.
    }
  }
  return false;
}

function removeCgroups(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // A cgroup is busy for a moment after its last task exits; a second pass follows.
      sleepSync(50);
      if (existsSync(dir)) rmdirSync(dir);
    }
  }
}

/**
 * SIGKILLs every process in `relative` (e.g. `/bmlb-rc-1/w1`) and below, in every hierarchy,
 * until none is left; then removes those cgroups unless `keep`. Synchronous: it runs from the
 * exit and signal hooks too.
 */
export function killCgroupTreeSync(relative: string, options: { readonly keep?: boolean } = {}): void {
  const dirs = cgroupTree(relative);
  const deadline = Date.now() + killTimeoutMs;
  while (!killPass(dirs, relative, deadline)) sleepSync(20);
  if (!options.keep) removeCgroups(dirs);
}

/**
 * The kill of `killCgroupTreeSync` without blocking the event loop while the processes exit (a
 * node's pods can take most of a second), so what runs beside it, such as a failover's ARP
 * probes, keeps its timing. The first SIGKILLs go out before it returns; the cgroups stay (a
 * node that boots again reuses them).
 */
export async function killCgroupTree(relative: string): Promise<void> {
  const dirs = cgroupTree(relative);
  const deadline = Date.now() + killTimeoutMs;
  while (!killPass(dirs, relative, deadline)) await setTimeout(20);
}

/** Removes the cgroup trees of runs whose process is gone (a SIGKILLed test run). */
export function sweepStaleClusterCgroups(): string[] {
  const stale = new Set<string>();
  for (const hierarchy of listHierarchies()) {
    for (const name of readdirSync(hierarchy)) {
      const pid = name.startsWith(runPrefix) ? Number(name.slice(runPrefix.length)) : Number.NaN;
      if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) stale.add(name);
    }
  }
  for (const name of stale) killCgroupTreeSync(`/${name}`);
  return [...stale];
}

/** Puts the calling shell into `procsFile` before it execs the command (cgroup.procs takes "0" as self). */
export function joinCgroupArgs(procsFile: string, command: readonly string[]): string[] {
  return ['-c', 'echo 0 > "$0" && exec "$@"', procsFile, ...command];
}
