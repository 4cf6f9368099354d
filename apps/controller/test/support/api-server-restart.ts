import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The running kube-apiserver whose --cert-dir lies under `envtestDir`, with its exact argv. */
export async function findApiServer(envtestDir: string): Promise<{ pid: number; argv: string[] }> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''))
      .split('\0')
      .filter(Boolean);
    if (argv[0]?.endsWith('kube-apiserver') && argv.some((a) => a.startsWith(`--cert-dir=${envtestDir}`))) {
      return { pid: Number(entry), argv };
    }
  }
  throw new Error(`no kube-apiserver under "${envtestDir}"`);
}

/**
 * Restarts an envtest's kube-apiserver in place: SIGTERM, wait until it is gone, hold the outage
 * for `downMs`, then start the same binary with the same arguments (same port, certs, etcd).
 * Returns a stop function for the new process (envtest.stop() only knows the original one).
 */
export async function restartApiServer(envtestDir: string, downMs: number): Promise<() => Promise<void>> {
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
  await new Promise((resolve) => setTimeout(resolve, downMs));
  const log = createWriteStream(path.join(envtestDir, 'kube-apiserver-restarted.log'));
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  return async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}
