/**
 * A stand-in responder thread for ResponderThread's failure tests, driven by workerData.mode:
 * `throwAtStart` dies before it is ready; `crashOnAdd` answers like the real thread until the
 * first `add`, then throws; `wedgeOnAdd` blocks its loop for `wedgeMs` on the first `add` (its
 * heartbeats stop meanwhile), then carries on.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { mode, heartbeatMs, wedgeMs } = workerData as { mode: string; heartbeatMs: number; wedgeMs?: number };
if (mode === 'throwAtStart') throw new Error('cannot open sockets');
const heartbeat = setInterval(() => parentPort!.postMessage({ type: 'heartbeat' }), heartbeatMs);
parentPort!.on('message', (message: { type: string; id?: number }) => {
  if (message.type === 'add' && mode === 'wedgeOnAdd') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wedgeMs);
    return;
  }
  if (message.type === 'add') throw new Error('responder bug');
  if (message.type === 'setInterfaces') {
    parentPort!.postMessage({
      type: 'interfaces',
      id: message.id,
      interfaces: [{ name: 'eth0', arp: true, ndp: false }],
    });
  }
  if (message.type === 'close') {
    clearInterval(heartbeat);
    parentPort!.postMessage({ type: 'closed', id: message.id });
    parentPort!.close();
  }
});
parentPort!.postMessage({ type: 'ready', realtimeError: 'EPERM (stand-in)' });
