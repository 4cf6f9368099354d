/**
 * The scheduling of every thread of a process, from /proc/<pid>/task/<tid>/stat (proc(5)): for
 * tests that check which thread runs realtime (packet-socket, the speaker e2e).
 */
import { readdir, readFile } from 'node:fs/promises';

/** SCHED_FIFO in `ThreadScheduling.policy`. */
export const SCHED_FIFO = 1;

export type ThreadScheduling = {
  readonly tid: number;
  /** 0 SCHED_OTHER, 1 SCHED_FIFO, 2 SCHED_RR. */
  readonly policy: number;
  readonly rtPriority: number;
};

export async function threadScheduling(pid: number): Promise<ThreadScheduling[]> {
  const out: ThreadScheduling[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3 (state); rt_priority is
    // field 40 and policy field 41.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push({ tid: Number(tid), rtPriority: Number(fields[37]), policy: Number(fields[38]) });
  }
  return out;
}
