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

/** SIGTERM to the envtest's kube-apiserver; resolves once it is gone (at most 10 s). */
export async function stopApiServer(envtestDir: string): Promise<StoppedApiServer> {
  const { pid, argv } = await findApiServer(envtestDir);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
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
