/**
 * The main thread's handle on the responder thread (responder-worker.ts): the same surface as an
 * in-process ResponderSet (interfaces, placements, gratuitous sends), carried over messages.
 * Messages keep their order, so an `add` is in place before the `sendGratuitous` that follows it.
 */
import { Worker } from 'node:worker_threads';
import { HeartbeatMonitor } from '@baremetal-lb/liveness';
import type { AnnounceTarget, Placement, ResponderInterface } from '../announce/announcer.ts';
import type { InterfaceInfo } from '../interfaces/interface-eligibility.ts';
import type { ConflictReport } from '../responder/conflict-detector.ts';
import type { CountEntry } from './pending-counts.ts';
import type { PriorityChange } from './realtime-budget.ts';
import type {
  FromResponderThread,
  ResponderThreadConfig,
  ToResponderThread,
} from './responder-thread-protocol.ts';

export type ResponderThreadHooks = {
  /** Frame outcomes, requests, responses and gratuitous sends counted since the last call. */
  readonly onCounts: (counts: readonly CountEntry[]) => void;
  /** First sighting of another MAC for one of our IPs. */
  readonly onConflict: (report: ConflictReport) => void;
  /** A released placement was claimed by `mac`; it is no longer answered. */
  readonly onHandedOver: (placement: Placement, mac: string) => void;
  readonly onInterfaceError: (ifname: string, message: string) => void;
  readonly onSendError: (message: string) => void;
  /** The thread left or regained realtime scheduling (its CPU budget). */
  readonly onPriorityChange: (change: PriorityChange) => void;
  /** The thread ended without being closed: nothing answers any more. */
  readonly onFailure: (error: Error) => void;
};

export class ResponderThreadError extends Error {
  readonly code = 'ERR_RESPONDER_THREAD';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ResponderThreadError';
  }
}

// Source runs (type stripping) start the .ts entry; the built package its .js twin.
const responderWorkerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './responder-worker.ts' : './responder-worker.js',
  import.meta.url,
);

/**
 * Heartbeats the thread may miss before it counts as wedged: one late beat is a busy moment (a
 * request storm, the main loop's own GC), five in a row is a thread that no longer runs its loop.
 */
const missedHeartbeatsForStall = 5;

export class ResponderThread implements AnnounceTarget {
  readonly #worker: Worker;
  readonly #heartbeat: HeartbeatMonitor;
  readonly #pending = new Map<number, () => void>();
  #nextId = 1;
  readonly #exited: Promise<void>;
  #interfaces: readonly ResponderInterface[] = [];
  #closing = false;
  #dead = false;

  private constructor(worker: Worker, heartbeatMs: number) {
    this.#worker = worker;
    this.#heartbeat = new HeartbeatMonitor({ maxSilenceMs: missedHeartbeatsForStall * heartbeatMs });
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /**
   * Starts the thread and waits until it runs. `realtimeError` says why the requested realtime
   * priority could not be set (the thread runs anyway, in the normal scheduling class).
   * `entry` is the thread's module (tests start stand-ins that crash).
   */
  static async start(
    config: ResponderThreadConfig,
    hooks: ResponderThreadHooks,
    entry: URL = responderWorkerUrl,
  ): Promise<{ thread: ResponderThread; realtimeError: string | undefined }> {
    const worker = new Worker(entry, { workerData: config, name: 'responder' });
    const thread = new ResponderThread(worker, config.heartbeatMs);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromResponderThread) => {
        if (message.type === 'ready') {
          started = true;
          resolve({ thread, realtimeError: message.realtimeError });
          return;
        }
        thread.#handle(message, hooks);
      });
      let failure: Error | undefined;
      worker.on('error', (error) => {
        failure = error;
      });
      worker.on('exit', (code) => {
        thread.#dead = true;
        thread.#settleAll();
        if (thread.#closing) return;
        const error = new ResponderThreadError(
          `the responder thread exited (code ${code})${failure === undefined ? '' : `: ${failure.message}`}`,
          { cause: failure },
        );
        if (started) hooks.onFailure(error);
        else reject(error);
      });
    });
  }

  #handle(message: FromResponderThread, hooks: ResponderThreadHooks): void {
    switch (message.type) {
      case 'interfaces':
        this.#interfaces = message.interfaces;
        this.#settle(message.id);
        return;
      case 'closed':
        this.#settle(message.id);
        return;
      case 'counts':
        hooks.onCounts(message.counts);
        return;
      case 'conflict':
        hooks.onConflict(message.report);
        return;
      case 'handedOver':
        hooks.onHandedOver(message.placement, message.mac);
        return;
      case 'interfaceError':
        hooks.onInterfaceError(message.ifname, message.message);
        return;
      case 'sendError':
        hooks.onSendError(message.message);
        return;
      case 'priority':
        hooks.onPriorityChange(message.change);
        return;
      case 'heartbeat':
        this.#heartbeat.beat();
        return;
      case 'ready':
        return;
    }
  }

  /** Liveness: the thread runs and its loop beats (five missed heartbeats and it is wedged). */
  alive(): boolean {
    return !this.#dead && !this.#heartbeat.stalled();
  }

  /** Interfaces with an open connection, as of the last `setInterfaces`. */
  get interfaces(): readonly ResponderInterface[] {
    return this.#interfaces;
  }

  /** Opens and closes connections so that exactly `eligible` have one; resolves when done. */
  setInterfaces(eligible: readonly InterfaceInfo[]): Promise<void> {
    return this.#request((id) => ({ type: 'setInterfaces', id, eligible }));
  }

  add(placement: Placement): void {
    this.#send({ type: 'add', placement });
  }

  remove(placement: Placement): void {
    this.#send({ type: 'remove', placement });
  }

  release(placement: Placement): void {
    this.#send({ type: 'release', placement });
  }

  sendGratuitous(placement: Placement): void {
    this.#send({ type: 'sendGratuitous', placement });
  }

  /** Closes every connection and ends the thread. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#request((id) => ({ type: 'close', id }));
    await this.#exited;
  }

  #send(message: ToResponderThread): void {
    if (!this.#dead) this.#worker.postMessage(message);
  }

  #request(build: (id: number) => ToResponderThread): Promise<void> {
    if (this.#dead) return Promise.resolve();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#send(build(id));
    });
  }

  #settle(id: number): void {
    this.#pending.get(id)?.();
    this.#pending.delete(id);
  }

  /** A dead thread answers nothing: let every waiter go. */
  #settleAll(): void {
    for (const resolve of this.#pending.values()) resolve();
    this.#pending.clear();
  }
}
