/**
 * A stand-in for bfd-worker-main.ts that dies: it brings every session whose peer ends in an
 * odd digit Up, keeps the others Down, removes sessions, and throws on the first `sessions` request (or at once with
 * `crashAtStart`), so the test sees what the owner of a BfdWorker learns when its thread dies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BfdState } from '../src/bfd-constants.ts';
import type { SessionInfo } from '../src/bfd-endpoint.ts';
import type { WorkerReply, WorkerRequest } from '../src/bfd-worker-protocol.ts';

const port = parentPort!;
const post = (message: WorkerReply) => port.postMessage(message);
if ((workerData as { crashAtStart?: boolean }).crashAtStart) throw new Error('crashed at start');

port.on('message', (request: WorkerRequest) => {
  if (request.op === 'addSession') {
    const { peerAddress, multihop = false } = request.spec;
    const info = { peerAddress, multihop, state: BfdState.down } as SessionInfo;
    if (Number(peerAddress.at(-1)) % 2 === 1) {
      post({
        kind: 'stateChange',
        change: { peerAddress, multihop, from: BfdState.down, to: BfdState.init, diagnostic: 0, atUs: 1 },
      });
      post({
        kind: 'stateChange',
        change: { peerAddress, multihop, from: BfdState.init, to: BfdState.up, diagnostic: 0, atUs: 2 },
      });
    }
    post({ kind: 'reply', id: request.id, value: info });
    return;
  }
  if (request.op === 'removeSession') post({ kind: 'reply', id: request.id, value: true });
  if (request.op === 'sessions')
    setImmediate(() => {
      throw new Error('the BFD thread crashed');
    });
});
post({ kind: 'ready', realtime: 'normal' });
