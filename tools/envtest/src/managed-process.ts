/**
 * A server child process with its output kept in a log file, early-exit detection while waiting
 * for it to become ready, and a clean stop (SIGTERM, then SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

const stopGraceMs = 10_000;

// Children still running when this process exits (a crashed or interrupted test run) are killed,
// so no orphaned etcd or kube-apiserver keeps ports and temp dirs.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

export type ManagedProcess = {
  readonly name: string;
  readonly pid: number | undefined;
  readonly logPath: string;
  /** Rejects with ERR_ENVTEST_PROCESS_EXITED when the process exits before stop(). */
  readonly exited: Promise<never>;
  /** Whether the process is still running. */
  isRunning(): boolean;
  /** The last `lines` lines of its output, for error messages. */
  readLogTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
};

export function startManagedProcess(
  name: string,
  command: string,
  args: readonly string[],
  logPath: string,
): ManagedProcess {
  const log: WriteStream = createWriteStream(logPath);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  installExitHook();
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let running = true;
  let stopping = false;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  }).finally(() => {
    liveChildren.delete(child);
  });
  const readLogTail = async (lines = 25): Promise<string> =>
    (await readFile(logPath, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-lines).join('\n');
  const exited = closed.then(async (code): Promise<never> => {
    running = false;
    log.end();
    const reason = stopping ? 'was stopped' : `exited early (code ${code})`;
    throw new EnvtestError(
      EnvtestErrorCode.processExited,
      `${name} ${reason}; log "${logPath}":\n${await readLogTail()}`,
      { name, exitCode: code, logPath },
    );
  });
  // Nobody may be listening once the server is up; an unobserved rejection must not crash tests.
  exited.catch(() => {});
  return {
    name,
    pid: child.pid,
    logPath,
    exited,
    isRunning: () => running,
    readLogTail,
    async stop() {
      if (!running) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
