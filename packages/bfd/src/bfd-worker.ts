/**
 * BfdWorker: the BFD sessions of this process, run in a worker thread (bfd-worker-main.ts).
 *
 * Why a worker: BFD at 50 ms × 3 declares a peer dead after 150 ms of silence. A main thread that
 * stalls that long (a major GC, a big Kubernetes list, the ARP responder under a storm) would
 * stop our transmissions and make the router tear our BGP session down; a late detection timer
 * could also fire after packets that were in fact on time. A worker thread has its own event
 * loop and its own heap (its GC does not stop the main isolate's, and vice versa), and can be
 * given SCHED_FIFO. Inside it, packet-socket's native pacer thread sends the periodic packets and
 * runs the detection timers (unless `pacer: 'js'`), so not even the worker's own GC delays them.
 *
 * If the thread ends without `close()` (a crash), nothing runs BFD any more: every session that
 * was not Down is reported Down (diag 4, our forwarding plane's BFD is gone) to the state change
 * listeners, so the BGP layer tears its sessions down as for a dead peer, and `onFailure`
 * listeners get a BfdError (`ERR_BFD_WORKER_EXITED`).
 */
import { Worker } from 'node:worker_threads';
import { BfdDiagnostic, BfdState } from './bfd-constants.ts';
import type { EndpointStats, SessionInfo, SessionSpec, StateChange } from './bfd-endpoint.ts';
import { BfdError, BfdErrorCode } from './bfd-error.ts';
import type { PeerAddress } from './bfd-transport.ts';
import type { WorkerReply, WorkerRequest, WorkerStartOptions } from './bfd-worker-protocol.ts';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const sessionKey = (peer: PeerAddress) => `${peer.multihop ? 'multihop' : 'single'}|${peer.peerAddress}`;

export class BfdWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: unknown) => void }
  >();
  readonly #listeners = new Set<(change: StateChange) => void>();
  readonly #failureListeners = new Set<(error: BfdError) => void>();
  /** The last state each session reported, for the Downs owed when the thread dies. */
  readonly #states = new Map<string, { peer: PeerAddress; state: BfdState }>();
  #nextId = 1;
  #closing = false;
  #failure: BfdError | undefined;
  /**
   * How the worker thread (and the pacer thread, if any) are scheduled: "SCHED_FIFO 10, native
   * pacer SCHED_FIFO 10", "normal (EPERM), native pacer normal (EPERM)", "SCHED_FIFO 10" (js).
   */
  scheduling = '';

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /**
   * Starts the worker and waits until its sockets layer is loaded. `entry` replaces the thread's
   * module (tests start stand-ins that crash).
   */
  static async start(options: WorkerStartOptions = {}, entry?: URL): Promise<BfdWorker> {
    const fromSource = import.meta.url.endsWith('.ts');
    const url = entry ?? new URL(`./bfd-worker-main.${fromSource ? 'ts' : 'js'}`, import.meta.url);
    const worker = new Worker(url, {
      workerData: options,
      name: 'bfd',
      // Running from TypeScript sources (tests, bench): resolve workspace packages the same way.
      execArgv: fromSource ? ['--conditions=@baremetal-lb/source'] : [],
    });
    const bfd = new BfdWorker(worker);
    let lastError: unknown;
    worker.on('error', (error) => {
      lastError = error;
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('exit', (code) => reject(bfd.#exited(code, lastError)));
      worker.on('message', (message: WorkerReply) => {
        if (message.kind === 'ready') {
          bfd.scheduling = message.realtime;
          resolve();
        } else {
          bfd.#dispatch(message);
        }
      });
    });
    worker.once('exit', (code) => bfd.#fail(bfd.#exited(code, lastError)));
    return bfd;
  }

  /** Called on every session state change, on the caller's thread. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called once if the thread ends without `close()` (after the sessions were reported Down). */
  onFailure(listener: (error: BfdError) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  async addSession(spec: SessionSpec): Promise<SessionInfo> {
    const info = (await this.#call({ op: 'addSession', spec })) as SessionInfo;
    const key = sessionKey(spec);
    const known = this.#states.get(key);
    // A change may have arrived before the reply (messages keep their order, the reply is last).
    this.#states.set(key, { peer: spec, state: known?.state ?? info.state });
    return info;
  }

  async removeSession(peer: PeerAddress): Promise<boolean> {
    const removed = (await this.#call({ op: 'removeSession', peer })) as boolean;
    this.#states.delete(sessionKey(peer));
    return removed;
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
    if (this.#failure !== undefined) return;
    this.#closing = true;
    await this.#call({ op: 'close' });
    await this.#worker.terminate();
  }

  #call(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #exited(code: number, error: unknown): BfdError {
    const why = error instanceof Error ? `: ${error.message}` : '';
    return new BfdError(BfdErrorCode.workerExited, `the BFD worker thread exited (code ${code})${why}`, {
      cause: error,
    });
  }

  #fail(error: BfdError): void {
    if (this.#closing) return;
    this.#failure = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    const atUs = performance.now() * 1000;
    for (const { peer, state } of this.#states.values()) {
      if (state === BfdState.down || state === BfdState.adminDown) continue;
      const change: StateChange = {
        peerAddress: peer.peerAddress,
        multihop: peer.multihop ?? false,
        from: state,
        to: BfdState.down,
        diagnostic: BfdDiagnostic.forwardingPlaneReset,
        // The caller's clock: the worker's is gone.
        atUs,
      };
      for (const listener of this.#listeners) listener(change);
    }
    this.#states.clear();
    for (const listener of this.#failureListeners) listener(error);
  }

  #dispatch(message: WorkerReply): void {
    if (message.kind === 'stateChange') {
      const { change } = message;
      const key = sessionKey(change);
      this.#states.set(key, { peer: this.#states.get(key)?.peer ?? change, state: change.to });
      for (const listener of this.#listeners) listener(change);
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
