import { Worker } from 'node:worker_threads';
import { checkPrerequisites, SCHED_FIFO, threadScheduling } from '@baremetal-lb/lab';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './packet-socket-error.ts';
import { setThreadRealtimePriority } from './thread-priority.ts';

/** A worker thread that calls setThreadRealtimePriority on itself when asked. */
async function startWorker(): Promise<{ set(priority: number): Promise<void>; stop(): Promise<number> }> {
  const modulePath = new URL('./thread-priority.ts', import.meta.url).pathname;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(modulePath)}).then(({ setThreadRealtimePriority }) => {
  parentPort.on('message', (priority) => {
    try {
      setThreadRealtimePriority(priority);
      parentPort.postMessage({});
    } catch (error) {
      parentPort.postMessage({ error: error.code });
    }
  });
  parentPort.postMessage({});
});`,
    { eval: true },
  );
  const reply = () =>
    new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { error?: string }) =>
        m.error === undefined ? resolve() : reject(new Error(`worker: ${m.error}`)),
      );
      worker.once('error', reject);
    });
  await reply();
  return {
    set(priority) {
      const done = reply();
      worker.postMessage(priority);
      return done;
    },
    stop: () => worker.terminate(),
  };
}

const realtimeThreads = async () =>
  (await threadScheduling(process.pid)).filter((t) => t.policy === SCHED_FIFO);

describe('setThreadRealtimePriority', () => {
  it('rejects priorities outside 0–99 before any system call', () => {
    for (const bad of [-1, 100, 1.5, Number.NaN]) {
      expect(() => setThreadRealtimePriority(bad)).toThrow(InvalidArgumentError);
    }
  });

  const ready = checkPrerequisites('realtime priority test (needs CAP_SYS_NICE)', { root: true });
  it.skipIf(!ready)('moves only the calling thread into SCHED_FIFO, and back out with 0', async () => {
    expect(await realtimeThreads()).toEqual([]);
    const worker = await startWorker();
    try {
      await worker.set(7);
      const realtime = await realtimeThreads();
      expect(realtime).toHaveLength(1);
      expect(realtime[0]!.rtPriority).toBe(7);
      expect(realtime[0]!.tid).not.toBe(process.pid); // not the process's main thread
      await worker.set(0);
      expect(await realtimeThreads()).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});
