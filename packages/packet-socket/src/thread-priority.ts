/**
 * Realtime scheduling for the calling thread. A packet responder sleeps until a frame arrives;
 * in the normal class (SCHED_OTHER) its wake-up can wait behind whatever else runs on that CPU,
 * which is where a user-space reply loses to the kernel's own. SCHED_FIFO runs it as soon as it
 * is woken. Linux applies this to the calling thread only, so a worker thread can take it while
 * the rest of the process stays in the normal class.
 */
import { loadAddon } from './native-addon.ts';
import { InvalidArgumentError, ThreadPriorityError } from './packet-socket-error.ts';

/** SCHED_FIFO priorities on Linux (sched_get_priority_min/max). */
export const minRealtimePriority = 1;
export const maxRealtimePriority = 99;

/**
 * Runs the calling thread under SCHED_FIFO at `priority` (1–99), or back in the normal class for
 * 0. Throws ThreadPriorityError (code `EPERM` without CAP_SYS_NICE) or InvalidArgumentError.
 */
export function setThreadRealtimePriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 0 || priority > maxRealtimePriority) {
    throw new InvalidArgumentError(
      'priority',
      `${priority} is not 0 or an integer in 1–${maxRealtimePriority}`,
    );
  }
  try {
    loadAddon('realtime thread priorities').setThreadRealtimePriority(priority);
  } catch (error) {
    const errno = (error as { errno?: unknown }).errno;
    if (typeof errno === 'number') throw new ThreadPriorityError(priority, errno, { cause: error });
    throw error;
  }
}
