/**
 * A bounded queue of received frame batches behind an async iterator, shared by every PacketConn
 * implementation. The producer pushes batches and is told to pause when the queue holds
 * highWaterMarkFrames or more, and to resume when the consumer drained it to half.
 */
import type { FrameBatch } from './packet-conn.ts';

export type BatchQueueHooks = {
  /** Stop producing: the queue is full. */
  readonly pause: () => void;
  /** Produce again: the queue drained to half. */
  readonly resume: () => void;
  /** The consumer ended the iteration (break/return) or the queue finished; stop and release. */
  readonly detach: () => void;
};

type Waiter = {
  readonly resolve: (result: IteratorResult<FrameBatch, undefined>) => void;
  readonly reject: (error: unknown) => void;
};

export class BatchQueue implements AsyncIterableIterator<FrameBatch, undefined> {
  readonly #batches: FrameBatch[] = [];
  readonly #highWaterMarkFrames: number;
  readonly #hooks: BatchQueueHooks;
  #queuedFrames = 0;
  #paused = false;
  #done = false;
  #error: unknown = undefined;
  #waiter: Waiter | undefined;

  constructor(highWaterMarkFrames: number, hooks: BatchQueueHooks) {
    this.#highWaterMarkFrames = Math.max(1, Math.floor(highWaterMarkFrames));
    this.#hooks = hooks;
  }

  /** Frames queued and not yet taken by the consumer. */
  get queuedFrames(): number {
    return this.#queuedFrames;
  }

  /** Adds a batch (ignored after the queue finished). */
  push(batch: FrameBatch): void {
    if (this.#done || batch.length === 0) return;
    const waiter = this.#waiter;
    if (waiter !== undefined && this.#batches.length === 0) {
      this.#waiter = undefined;
      waiter.resolve({ value: batch, done: false });
      return;
    }
    this.#batches.push(batch);
    this.#queuedFrames += batch.length;
    if (!this.#paused && this.#queuedFrames >= this.#highWaterMarkFrames) {
      this.#paused = true;
      this.#hooks.pause();
    }
  }

  /** Ends the iteration after the queued batches, or at once with `error` after them. */
  finish(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#hooks.detach();
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else {
      this.#error = undefined;
      waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<FrameBatch, undefined>> {
    const batch = this.#batches.shift();
    if (batch !== undefined) {
      this.#queuedFrames -= batch.length;
      if (this.#paused && !this.#done && this.#queuedFrames <= this.#highWaterMarkFrames / 2) {
        this.#paused = false;
        this.#hooks.resume();
      }
      return Promise.resolve({ value: batch, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      this.#error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    if (this.#waiter !== undefined) return Promise.reject(new Error('BatchQueue: concurrent next() calls'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<FrameBatch, undefined>> {
    this.#batches.length = 0;
    this.#queuedFrames = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
