/**
 * A cross-process lock on a file path, so two test processes that both find the binaries missing
 * run one `go build` between them. The lock file holds the owner's pid; a lock whose owner is dead
 * (a killed test run) is taken over instead of blocking forever.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { isProcessAlive } from '@baremetal-lb/lab';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

const pollIntervalMs = 500;

async function tryAcquire(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  // An empty file means the owner is between open and write; give it time before judging.
  if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) {
    await rm(path, { force: true });
  }
  return false;
}

/**
 * Runs `fn` while holding the lock at `path`; `onWait` is called once if another process holds it.
 * Throws ERR_ENVTEST_LOCK_TIMEOUT after `timeoutMs`.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: { readonly timeoutMs: number; readonly onWait?: () => void },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let warned = false;
  while (!(await tryAcquire(path))) {
    if (!warned) {
      options.onWait?.();
      warned = true;
    }
    if (Date.now() > deadline) {
      throw new EnvtestError(EnvtestErrorCode.lockTimeout, `timed out waiting for lock "${path}"`, { path });
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
