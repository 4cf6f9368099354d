/**
 * An API-server outage for tests: stop an envtest's kube-apiserver (etcd keeps running, so
 * nothing is lost) and later start the same binary with the same arguments (same port, certs,
 * etcd), as a control plane that restarts does.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

export type StoppedApiServer = {
  /** Starts it again; resolves with a stop function for the new process (envtest.stop() only knows the first). */
  restart(): Promise<() => Promise<void>>;
};

/** The running kube-apiserver whose --cert-dir lies under `envtestDir`, with its exact argv. */
async function findApiServer(envtestDir: string): Promise<{ pid: number; argv: string[] }> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''))
      .split('\0')
      .filter(Boolean);
    if (argv[0]?.endsWith('kube-apiserver') && argv.some((a) => a.startsWith(`--cert-dir=${envtestDir}`))) {
      return { pid: Number(entry), argv };
    }
  }
  throw new EnvtestError(EnvtestErrorCode.noSuchProcess, `no kube-apiserver under "${envtestDir}"`);
}

/**
 * kube-apiserver's graceful stop drains requests and keeps serving meanwhile; it has taken 10 s
 * and more here (envtest gives it the same before SIGKILL), ms.
 */
const stopGraceMs = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls every 50 ms until `pid` is gone or `timeoutMs` passed; whether it is gone. */
async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !alive(pid);
}

/**
 * Stops the envtest's kube-apiserver: SIGTERM, SIGKILL after the grace period; resolves once the
 * process is gone, so the outage has begun for sure (a server still draining answers requests).
 */
export async function stopApiServer(envtestDir: string): Promise<StoppedApiServer> {
  const { pid, argv } = await findApiServer(envtestDir);
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(pid, stopGraceMs))) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, stopGraceMs);
  }
  return {
    async restart() {
      const log = createWriteStream(path.join(envtestDir, 'kube-apiserver-restarted.log'), { flags: 'a' });
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.once('exit', () => child.kill('SIGKILL'));
      return async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      };
    },
  };
}
