/**
 * A stand-in responder thread for ResponderThread's failure tests, driven by workerData.mode:
 * `throwAtStart` dies before it is ready; `crashOnAdd` answers like the real thread until the
 * first `add`, then throws.
 */
import { parentPort, workerData } from 'node:worker_threads';

const mode = (workerData as { mode: string }).mode;
if (mode === 'throwAtStart') throw new Error('cannot open sockets');
parentPort!.on('message', (message: { type: string; id?: number }) => {
  if (message.type === 'add') throw new Error('responder bug');
  if (message.type === 'setInterfaces') {
    parentPort!.postMessage({
      type: 'interfaces',
      id: message.id,
      interfaces: [{ name: 'eth0', arp: true, ndp: false }],
    });
  }
  if (message.type === 'close') {
    parentPort!.postMessage({ type: 'closed', id: message.id });
    parentPort!.close();
  }
});
parentPort!.postMessage({ type: 'ready', realtimeError: 'EPERM (stand-in)' });
