/**
 * A CPU budget for the realtime responder thread. Under SCHED_FIFO the thread runs the moment a
 * frame wakes it, ahead of every normal task on that CPU: good for reply latency, and harmless
 * while it answers a few requests per second, but a storm of requests for our addresses (even
 * within the per-source limit, from many forged sources) would let it take the CPU from the
 * kubelet and everything else. So the thread measures its own CPU time; when it was busy more
 * than `maxBusyShare` of a window it drops back to the normal class for `cooldownMs`, then tries
 * realtime again. While realtime and idle it sleeps: a window without a frame ends the watch, and
 * the next frame ({@link RealtimeBudget.noteActivity}) starts it again, so an idle speaker's
 * thread does not wake ten times a second only to find itself idle.
 */
import type { Clock } from '../announce/clock.ts';

export type RealtimeBudgetOptions = {
  /** SCHED_FIFO priority while within budget (1–99). */
  readonly priority: number;
  /** Share of one CPU (0–1) the thread may use over a window and stay realtime. */
  readonly maxBusyShare: number;
  readonly windowMs: number;
  /** How long to stay in the normal class after going over budget, ms. */
  readonly cooldownMs: number;
};

/**
 * Half a core is far beyond a healthy responder (about 2 µs per frame: 250,000 frames/s); one
 * second of normal scheduling is short enough that latency recovers soon after a storm.
 */
export const defaultRealtimeBudget: Omit<RealtimeBudgetOptions, 'priority'> = {
  maxBusyShare: 0.5,
  windowMs: 100,
  cooldownMs: 1000,
};

/** What the budget drives: the thread's priority and its CPU clock. */
export type ThreadScheduling = {
  /** Sets the calling thread's SCHED_FIFO priority, 0 = normal class; throws when refused. */
  readonly setPriority: (priority: number) => void;
  /** CPU time this thread has used, ms. */
  readonly cpuMs: () => number;
};

export type PriorityChange = {
  readonly realtime: boolean;
  /** Busy share of the window that caused the change (0 when not caused by load). */
  readonly busyShare: number;
  /** Why the priority could not be changed (realtime then says where the thread still is). */
  readonly error?: string;
};

export class RealtimeBudget {
  readonly #options: RealtimeBudgetOptions;
  readonly #scheduling: ThreadScheduling;
  readonly #clock: Clock;
  readonly #onChange: (change: PriorityChange) => void;
  #realtime = false;
  #cooldownUntil = 0;
  #watching = false;
  /** A frame was handled since the window began. */
  #active = false;
  #windowStart = 0;
  #windowCpu = 0;
  #cancel: (() => void) | undefined;

  constructor(
    options: RealtimeBudgetOptions,
    scheduling: ThreadScheduling,
    clock: Clock,
    onChange: (change: PriorityChange) => void,
  ) {
    this.#options = options;
    this.#scheduling = scheduling;
    this.#clock = clock;
    this.#onChange = onChange;
  }

  get realtime(): boolean {
    return this.#realtime;
  }

  /** Goes realtime and starts watching. Returns why realtime was refused (then it stays normal). */
  start(): string | undefined {
    const error = this.#promote();
    if (error !== undefined) return error;
    this.#watching = true;
    this.#startWindow();
    this.#schedule();
    return undefined;
  }

  /** The thread handled a frame: if the watch slept through an idle spell, it starts again. */
  noteActivity(): void {
    this.#active = true;
    if (this.#watching && this.#cancel === undefined) {
      this.#startWindow();
      this.#schedule();
    }
  }

  stop(): void {
    this.#watching = false;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #check(): void {
    const now = this.#clock.now();
    const busyShare = (this.#scheduling.cpuMs() - this.#windowCpu) / Math.max(1, now - this.#windowStart);
    if (this.#realtime && busyShare > this.#options.maxBusyShare) {
      const error = this.#setPriority(0);
      // Leaving the realtime class is always allowed for one's own thread; should it ever fail,
      // say so and try again next window.
      if (error === undefined) {
        this.#realtime = false;
        this.#cooldownUntil = now + this.#options.cooldownMs;
      }
      this.#onChange(
        error === undefined ? { realtime: false, busyShare } : { realtime: true, busyShare, error },
      );
    } else if (!this.#realtime && now >= this.#cooldownUntil) {
      const error = this.#promote();
      this.#onChange(
        error === undefined ? { realtime: true, busyShare } : { realtime: false, busyShare, error },
      );
      // Refused now (the capability was taken away?): do not ask again every window.
      if (error !== undefined) this.#cooldownUntil = now + this.#options.cooldownMs;
    }
    const idle = !this.#active;
    this.#startWindow();
    // Realtime with nothing to answer: sleep until the next frame. Out of the realtime class
    // the watch goes on, to take realtime back once the cooldown is over.
    if (idle && this.#realtime) this.#cancel = undefined;
    else this.#schedule();
  }

  #promote(): string | undefined {
    const error = this.#setPriority(this.#options.priority);
    if (error === undefined) this.#realtime = true;
    return error;
  }

  /** Undefined when done, else why not. */
  #setPriority(priority: number): string | undefined {
    try {
      this.#scheduling.setPriority(priority);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  #startWindow(): void {
    this.#active = false;
    this.#windowStart = this.#clock.now();
    this.#windowCpu = this.#scheduling.cpuMs();
  }

  #schedule(): void {
    this.#cancel = this.#clock.after(this.#options.windowMs, () => this.#check());
  }
}
