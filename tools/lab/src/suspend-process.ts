/**
 * Stalls a process for a test (a router that stops reading) and lets it go again.
 *
 * `kill(pid, SIGSTOP)` returns before the process has stopped: each thread stops only when it
 * next handles the signal, and a thread running on another CPU can go on for milliseconds first
 * (seen with GoBGP: it read and acted on a NOTIFICATION sent 2 ms after the signal). A test that
 * stalls a peer and then sends to it must wait until every thread is stopped.
 */
import { readdir, readFile } from 'node:fs/promises';

/** The state letter of each thread of `pid` (proc(5) stat field 3: R, S, D, T, t, Z, …). */
export async function threadStates(pid: number): Promise<string[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const states = await Promise.all(
    tasks.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
      // "tid (comm) S …": comm may hold spaces and parentheses, so read after the last ") ".
      return stat?.[stat.lastIndexOf(') ') + 2];
    }),
  );
  return states.filter((s): s is string => s !== undefined);
}

/** Sends SIGSTOP and resolves once every thread of `pid` is stopped; rejects after `timeoutMs`. */
export async function suspendProcess(pid: number, timeoutMs = 5_000): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const states = await threadStates(pid);
    if (states.length > 0 && states.every((s) => s === 'T')) return;
    if (performance.now() > deadline)
      throw new Error(`process ${pid} not stopped after ${timeoutMs} ms (thread states ${states.join('')})`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Lets a process stopped by `suspendProcess` run again. */
export function resumeProcess(pid: number): void {
  process.kill(pid, 'SIGCONT');
}
