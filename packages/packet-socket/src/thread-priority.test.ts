import { Worker } from 'node:worker_threads';
import { checkPrerequisites } from '@baremetal-lb/lab';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './packet-socket-error.ts';
import { setThreadRealtimePriority } from './thread-priority.ts';

/** Scheduling policy (0 SCHED_OTHER, 1 SCHED_FIFO) and rt_priority from /proc/<tid>/stat (proc(5)). */
const readSchedulingSource = `
const { readFileSync } = require('node:fs');
function scheduling(path) {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): rt_priority is field 40, policy field 41.
  return { rtPriority: Number(fields[37]), policy: Number(fields[38]) };
}`;

type Scheduling = { rtPriority: number; policy: number };

/**
 * Sets the priority inside a fresh worker thread; resolves with that thread's scheduling before
 * and after, and the process's main thread's (its thread id is the pid) after.
 */
function inWorker(
  priority: number,
): Promise<{ before: Scheduling; after: Scheduling; main: Scheduling; error?: string }> {
  const modulePath = new URL('./thread-priority.ts', import.meta.url).pathname;
  const source = `${readSchedulingSource}
const { parentPort } = require('node:worker_threads');
const before = scheduling('/proc/thread-self/stat');
import(${JSON.stringify(modulePath)}).then(({ setThreadRealtimePriority }) => {
  try {
    setThreadRealtimePriority(${priority});
  } catch (error) {
    parentPort.postMessage({ error: error.code });
  }
  const main = scheduling('/proc/self/task/' + process.pid + '/stat');
  parentPort.postMessage({ before, after: scheduling('/proc/thread-self/stat'), main });
});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.on('message', (m) => {
      if (m.error !== undefined) return reject(new Error(`worker: ${m.error}`));
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('setThreadRealtimePriority', () => {
  it('rejects priorities outside 0–99 before any system call', () => {
    for (const bad of [-1, 100, 1.5, Number.NaN]) {
      expect(() => setThreadRealtimePriority(bad)).toThrow(InvalidArgumentError);
    }
  });

  const ready = checkPrerequisites('realtime priority test (needs CAP_SYS_NICE)', { root: true });
  it.skipIf(!ready)('moves only the calling thread into SCHED_FIFO at that priority', async () => {
    const result = await inWorker(7);
    expect(result.before).toEqual({ rtPriority: 0, policy: 0 });
    expect(result.after).toEqual({ rtPriority: 7, policy: 1 });
    expect(result.main).toEqual({ rtPriority: 0, policy: 0 });
  });

  it.skipIf(!ready)('0 puts the thread back into the normal class', async () => {
    const result = await inWorker(0);
    expect(result.after).toEqual({ rtPriority: 0, policy: 0 });
  });
});
