/**
 * Cleanup that must run however the process ends: normally, on a failed test (vitest still runs
 * afterAll/afterEach, which call destroy()), and on SIGINT/SIGTERM/SIGHUP or process.exit, where
 * only synchronous work can run. Each lab registers a synchronous cleanup here and unregisters it
 * when destroyed normally. A crash that skips even the exit hook (SIGKILL, OOM) leaves stale
 * namespaces behind; sweepStaleLabs() removes those on the next run.
 */

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch (error) {
      console.error('lab cleanup failed:', error);
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  for (const s of signals) process.removeListener(s, onSignal);
  // Die of the same signal, as the default handler would, unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of signals) process.on(signal, onSignal);
}

/** Registers a synchronous cleanup; returns a function that unregisters it (without running it). */
export function registerCleanup(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** How many cleanups are registered (for tests). */
export function pendingCleanupCount(): number {
  return cleanups.size;
}
