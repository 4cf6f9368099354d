/**
 * A real kube-apiserver + etcd (tools/envtest) as a child process: `tools/envtest/src/cli.ts start`.
 * The lab cannot import @baremetal-lb/envtest (envtest depends on the lab, and turbo and tsc refuse
 * dependency cycles), so it drives envtest's command line, which prints the admin kubeconfig path
 * once the server is ready and the CRDs are installed, and stops everything on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HttpKubeClient, loadKubeConfig } from '@baremetal-lb/kube';
import { registerCleanup } from '../cleanup-registry.ts';
import { LabError } from '../lab-error.ts';
import type { Needs } from '../prerequisites.ts';
import { goToolNeeds, repoRoot } from './go-tool-needs.ts';
import type { ClusterAdmin } from './service-account-kubeconfig.ts';

export { repoRoot };

/** The repository's Node 24 (npm scripts run on it); falls back to the running one. */
export const nodeBinary = existsSync(path.join(repoRoot, 'node_modules/.bin/node'))
  ? path.join(repoRoot, 'node_modules/.bin/node')
  : process.execPath;

/**
 * The lab's setup creates objects in bursts (a thousand Services for a memory figure) on a server
 * of its own: a budget far above the apps' default, yet still a limit.
 */
const adminRateLimit = { qps: 1_000, burst: 1_000 };

/** Why 15 minutes: the first run may build kube-apiserver from source (10 min on 2 busy cores). */
const defaultStartTimeoutMs = 15 * 60_000;

export type ApiServerProcess = ClusterAdmin & {
  readonly kubeconfigPath: string;
  readonly listenAddress: string;
  /** Closes `kube`, SIGTERMs, then waits for the exit (envtest stops kube-apiserver and etcd, removes its dir). */
  stop(): Promise<void>;
};

/** What starting an API server needs: Go only when the binaries are not built yet. */
export function apiServerNeeds(env: NodeJS.ProcessEnv = process.env): Needs {
  return goToolNeeds(['kube-apiserver', 'etcd'], env);
}

export class ApiServerStartError extends LabError {
  readonly output: string;
  constructor(problem: string, output: string) {
    super('ERR_LAB_API_SERVER', `API server did not start: ${problem}\n${output.slice(-2000)}`);
    this.output = output;
  }
}

/** Starts envtest on `listenAddress` with `crdDirs` installed; resolves once it is ready. */
export async function startApiServerProcess(options: {
  readonly listenAddress: string;
  readonly crdDirs?: readonly string[];
  /** kube-apiserver flags that replace envtest's settings of the same flags (`--name=value`). */
  readonly apiServerArgs?: readonly string[];
  readonly timeoutMs?: number;
  /** Progress lines of a first build ("building kube-apiserver ...") go here. */
  readonly onOutput?: (line: string) => void;
}): Promise<ApiServerProcess> {
  const args = [
    '--conditions=@baremetal-lb/source',
    path.join(repoRoot, 'tools/envtest/src/cli.ts'),
    'start',
    '--listen-address',
    options.listenAddress,
    ...(options.crdDirs ?? []).flatMap((dir) => ['--crds', dir]),
    ...(options.apiServerArgs ?? []).map((arg) => `--api-server-arg=${arg}`),
  ];
  const child = spawn(nodeBinary, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  // Exactly one SIGTERM: envtest's CLI stops kube-apiserver and etcd on the first; a second one
  // would kill it mid-stop (default action) and orphan them.
  let signalled = false;
  const terminate = () => {
    if (signalled || child.exitCode !== null || child.signalCode !== null) return;
    signalled = true;
    child.kill('SIGTERM');
  };
  const unregister = registerCleanup(terminate);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let output = '';
  try {
    const kubeconfigPath = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ApiServerStartError('timed out', output)),
        options.timeoutMs ?? defaultStartTimeoutMs,
      );
      const onLine = (line: string) => {
        output += `${line}\n`;
        const match = /^KUBECONFIG=(.+)$/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        } else if (line.trim() !== '') options.onOutput?.(line);
      };
      lines(child.stdout, onLine);
      lines(child.stderr, onLine);
      child.once('error', (error) => reject(new ApiServerStartError(error.message, output)));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new ApiServerStartError(`exited (${code ?? signal})`, output));
      });
    });
    // The environment's proxy variables are ignored: the lab's server is always reached directly.
    const connection = loadKubeConfig(kubeconfigPath, {});
    const caPem = String((await connection.credentials()).tls.ca ?? '');
    const kube = new HttpKubeClient(connection, { rateLimit: adminRateLimit });
    return {
      kubeconfigPath,
      listenAddress: options.listenAddress,
      server: connection.server,
      caPem,
      kube,
      async stop() {
        unregister();
        await kube.close();
        terminate();
        await exited;
      },
    };
  } catch (error) {
    unregister();
    terminate();
    await exited;
    throw error;
  }
}

/** Calls `onLine` with each complete line of `stream`. */
export function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
}
