/**
 * `npm run lab -- --cluster`, interrupted with Ctrl-C (SIGINT to its whole process group, as a
 * terminal sends it) right after the cluster is up, while the walkthrough is installing
 * baremetal-lb: the cleanup registry must leave nothing of the run behind: no process in its
 * cgroups (containerd, shims, kubelets, kube-proxies, pods, controller-manager, scheduler), no
 * cgroup, no namespace, no run directory, no API server directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../cluster/go-tool-needs.ts';
import { checkPrerequisites } from '../prerequisites.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import { listLabNamespaces } from '../sweep-stale-labs.ts';
import { listHierarchies, runCgroupName } from './cluster-cgroups.ts';
import { realClusterNeeds } from './real-cluster-needs.ts';

const ready = checkPrerequisites('npm run lab -- --cluster, then Ctrl-C', realClusterNeeds());

describe.skipIf(!ready)('npm run lab -- --cluster, interrupted by Ctrl-C', () => {
  let output = '';
  let labPid = 0;
  let kubeconfig = '';

  beforeAll(async () => {
    const npm = spawn('npm', ['run', 'lab', '--', '--cluster'], {
      cwd: repoRoot,
      detached: true, // its own process group, as a shell gives a foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // A lab that fails before the cluster is up (an image that does not build) exits: say so
      // at once, with its output, rather than after the whole wait.
      await Promise.race([
        waitFor(
          'the cluster to be up',
          15 * 60_000,
          () => (/cluster up: 3 Ready nodes/.test(output) ? true : undefined),
          200,
        ),
        exited.then(() => {
          throw new Error(
            'npm run lab -- --cluster exited before the cluster was up; its output is printed above the test results',
          );
        }),
      ]);
    } finally {
      // The lab's bridge is bm<pid in base 36>-0br: the pid that owns the run's cgroups and files.
      labPid = Number.parseInt(/bridge bm([0-9a-z]+)-0br/.exec(output)?.[1] ?? '0', 36);
      kubeconfig = /kubeconfig "([^"]+)"/.exec(output)?.[1] ?? '';
      if (npm.exitCode === null && npm.signalCode === null) process.kill(-(npm.pid as number), 'SIGINT');
      await exited;
      console.info(output);
    }
  }, 20 * 60_000);

  it('says it tears the cluster down', () => {
    expect(output).toContain('Ctrl-C: tearing the cluster down.');
  });

  it("leaves none of the run's cgroups, so none of its processes", () => {
    expect(labPid).toBeGreaterThan(0);
    expect(listHierarchies().filter((h) => existsSync(`${h}/${runCgroupName(labPid)}`))).toEqual([]);
  });

  it("removes the run's namespaces and directories", async () => {
    expect(listLabNamespaces().filter((ns) => ns.startsWith(`bmlb-${labPid}-`))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`bmlb-rc-${labPid}-`))).toEqual([]);
    // envtest's own process stops kube-apiserver and etcd (up to 10 s each), then removes its dir.
    expect(kubeconfig).not.toBe('');
    await waitFor(
      'the API server directory to go',
      30_000,
      () => (existsSync(kubeconfig) ? undefined : true),
      200,
    );
  }, 60_000);
});
