/**
 * The real kubectl, built from source by tools/envtest (or named by BMLB_ENVTEST_KUBECTL). The lab
 * cannot import @baremetal-lb/envtest (dependency cycle), so it runs envtest's `cli.ts build
 * kubectl`, which builds kubectl on first use (progress on stderr) and prints its path.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LabError } from '../lab-error.ts';
import type { Needs } from '../prerequisites.ts';
import { type CommandResult, runCommand } from '../run-command.ts';
import { lines, nodeBinary } from './api-server-process.ts';
import { goToolNeeds, repoRoot } from './go-tool-needs.ts';

/** Runs kubectl against one cluster: `kubectl(['get', 'svc'])`; rejects with LabCommandError. */
export type Kubectl = (args: readonly string[], input?: string) => Promise<CommandResult>;

export function kubectlNeeds(env: NodeJS.ProcessEnv = process.env): Needs {
  return goToolNeeds(['kubectl'], env);
}

/** The path of kubectl, built first if needed; `onOutput` gets the build's progress lines. */
export async function ensureKubectl(onOutput: (line: string) => void = () => {}): Promise<string> {
  const [binary] = await ensureGoToolPaths(['kubectl'], onOutput);
  return binary!;
}

/**
 * The paths of envtest's Go tools (go-tools.ts there: kubelet, kube-proxy, helm, ...), each built
 * first if needed, in the order asked; `onOutput` gets the build's progress lines.
 */
export async function ensureGoToolPaths(
  names: readonly string[],
  onOutput: (line: string) => void = () => {},
): Promise<string[]> {
  const child = spawn(
    nodeBinary,
    ['--conditions=@baremetal-lb/source', path.join(repoRoot, 'tools/envtest/src/cli.ts'), 'build', ...names],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const paths: string[] = [];
  const progress: string[] = [];
  lines(child.stdout, (line) => paths.push(line));
  lines(child.stderr, (line) => {
    progress.push(line);
    onOutput(line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0 || paths.length !== names.length || !paths.every((p) => path.isAbsolute(p))) {
    throw new LabError(
      'ERR_LAB_GO_TOOL',
      `could not build ${names.join(', ')} (exit ${code}):\n${progress.slice(-20).join('\n')}`,
    );
  }
  return paths;
}

/** kubectl with `--kubeconfig` and its discovery cache in `cacheDir` (not ~/.kube/cache). */
export function kubectlFor(binary: string, kubeconfigPath: string, cacheDir: string): Kubectl {
  return (args, input) =>
    runCommand(binary, ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], {
      timeoutMs: 60_000,
      ...(input === undefined ? {} : { input }),
    });
}
