/**
 * BfdWorker: the BFD sessions of this process, run in a worker thread (bfd-worker-main.ts).
 *
 * Why a worker: BFD at 50 ms × 3 declares a peer dead after 150 ms of silence. A main thread that
 * stalls that long (a major GC, a big Kubernetes list, the ARP responder under a storm) would
 * stop our transmissions and make the router tear our BGP session down; a late detection timer
 * could also fire after packets that were in fact on time. A worker thread has its own event
 * loop and its own heap (its GC does not stop the main isolate's, and vice versa), and can be
 * given SCHED_FIFO. The bench (`npm run bench`) measures this: stalls of the main thread do not
 * flap sessions.
 */
import { Worker } from 'node:worker_threads';
import type { EndpointStats, SessionInfo, SessionSpec, StateChange } from './bfd-endpoint.ts';
import { BfdError, type BfdErrorCode } from './bfd-error.ts';
import type { PeerAddress } from './bfd-transport.ts';
import type { WorkerReply, WorkerRequest, WorkerStartOptions } from './bfd-worker-protocol.ts';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class BfdWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: unknown) => void }
  >();
  readonly #listeners = new Set<(change: StateChange) => void>();
  #nextId = 1;
  /** How the worker thread is scheduled ("SCHED_FIFO 10", "normal", "normal (EPERM)"). */
  scheduling = '';

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the worker and waits until its sockets layer is loaded. */
  static async start(options: WorkerStartOptions = {}): Promise<BfdWorker> {
    const fromSource = import.meta.url.endsWith('.ts');
    const worker = new Worker(new URL(`./bfd-worker-main.${fromSource ? 'ts' : 'js'}`, import.meta.url), {
      workerData: options,
      // Running from TypeScript sources (tests, bench): resolve workspace packages the same way.
      execArgv: fromSource ? ['--conditions=@baremetal-lb/source'] : [],
    });
    const bfd = new BfdWorker(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: WorkerReply) => {
        if (message.kind === 'ready') {
          bfd.scheduling = message.realtime;
          worker.off('error', reject);
          resolve();
        } else {
          bfd.#dispatch(message);
        }
      });
    });
    worker.on('error', (error) => {
      for (const pending of bfd.#pending.values()) pending.reject(error);
      bfd.#pending.clear();
    });
    return bfd;
  }

  /** Called on every session state change, on the caller's thread. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addSession(spec: SessionSpec): Promise<SessionInfo> {
    return this.#call({ op: 'addSession', spec }) as Promise<SessionInfo>;
  }

  removeSession(peer: PeerAddress): Promise<boolean> {
    return this.#call({ op: 'removeSession', peer }) as Promise<boolean>;
  }

  setAdminDown(peer: PeerAddress, down: boolean): Promise<void> {
    return this.#call({ op: 'setAdminDown', peer, down }) as Promise<void>;
  }

  sessions(): Promise<SessionInfo[]> {
    return this.#call({ op: 'sessions' }) as Promise<SessionInfo[]>;
  }

  stats(): Promise<EndpointStats> {
    return this.#call({ op: 'stats' }) as Promise<EndpointStats>;
  }

  /** Removes every session (the peers see AdminDown) and stops the thread. */
  async close(): Promise<void> {
    await this.#call({ op: 'close' });
    await this.#worker.terminate();
  }

  #call(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #dispatch(message: WorkerReply): void {
    if (message.kind === 'stateChange') {
      for (const listener of this.#listeners) listener(message.change);
      return;
    }
    if (message.kind === 'ready') return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.kind === 'reply') pending.resolve(message.value);
    else pending.reject(new BfdError(message.code as BfdErrorCode, message.message));
  }
}
