/**
 * Entry point of the BFD worker thread: one BfdEndpoint on real UDP sockets, with its own event
 * loop and heap, so a busy or collecting main thread delays neither transmissions nor detection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { maxRealtimePriority, setThreadRealtimePriority } from '@baremetal-lb/packet-socket';
import { BfdEndpoint } from './bfd-endpoint.ts';
import type { WorkerReply, WorkerRequest, WorkerStartOptions } from './bfd-worker-protocol.ts';
import { openPacedUdpTransport, openUdpTransport } from './udp-transport.ts';

const port = parentPort!;
const options = workerData as WorkerStartOptions;
const post = (message: WorkerReply) => port.postMessage(message);

let realtime = 'normal';
if (options.realtimePriority !== undefined) {
  try {
    setThreadRealtimePriority(options.realtimePriority);
    realtime = `SCHED_FIFO ${options.realtimePriority}`;
  } catch (error) {
    realtime = `normal (${(error as { code?: string }).code ?? 'failed'})`;
  }
}

// The pacer runs one priority above the worker: at equal SCHED_FIFO priority the worker's own
// JavaScript (a GC, a burst of packets) would keep the pacer off its CPU until it yields.
const paced =
  options.pacer === 'js'
    ? undefined
    : openPacedUdpTransport({
        ...options,
        ...(options.realtimePriority === undefined
          ? {}
          : { realtimePriority: Math.min(maxRealtimePriority, options.realtimePriority + 1) }),
      });
if (paced !== undefined) realtime = `${realtime}, native pacer ${paced.scheduling}`;
const endpoint = new BfdEndpoint({
  transport: paced ?? openUdpTransport(options),
  ...(paced === undefined ? {} : { clock: paced.clock }),
  onStateChange: (change) => post({ kind: 'stateChange', change }),
});

port.on('message', (request: WorkerRequest) => {
  try {
    switch (request.op) {
      case 'addSession':
        post({ kind: 'reply', id: request.id, value: endpoint.addSession(request.spec) });
        break;
      case 'removeSession':
        post({ kind: 'reply', id: request.id, value: endpoint.removeSession(request.peer) });
        break;
      case 'setAdminDown':
        endpoint.setAdminDown(request.peer, request.down);
        post({ kind: 'reply', id: request.id, value: undefined });
        break;
      case 'sessions':
        post({ kind: 'reply', id: request.id, value: endpoint.sessions() });
        break;
      case 'stats':
        post({ kind: 'reply', id: request.id, value: endpoint.stats() });
        break;
      case 'close':
        endpoint.close();
        post({ kind: 'reply', id: request.id, value: undefined });
        port.close();
        break;
    }
  } catch (error) {
    const { code = 'ERR_BFD_WORKER', message = String(error) } = error as { code?: string; message?: string };
    post({ kind: 'error', id: request.id, code, message });
  }
});

post({ kind: 'ready', realtime });
