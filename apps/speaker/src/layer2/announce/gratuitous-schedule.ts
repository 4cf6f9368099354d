/**
 * Gratuitous ARP / unsolicited NA after taking an IP over: one burst at once so neighbours update
 * their caches before the next packet, then repeats in case the first was lost (MetalLB: every
 * 1.1 s for 5 s). Losing the IP cancels what is left at once.
 */
import type { Clock } from './clock.ts';

export type GratuitousOptions = {
  /** Gap between repeats, ms. MetalLB's 1.1 s: a little over the 1 s ARP cache refresh of many hosts. */
  readonly intervalMs: number;
  /** How long to keep repeating after the first send, ms (exclusive). */
  readonly durationMs: number;
};

export const defaultGratuitousOptions: GratuitousOptions = { intervalMs: 1100, durationMs: 5000 };

/** Send times in ms after takeover: 0, then every `intervalMs` while below `durationMs`. */
export function gratuitousOffsetsMs(options: GratuitousOptions): readonly number[] {
  const out = [0];
  if (options.intervalMs <= 0) return out;
  for (let t = options.intervalMs; t < options.durationMs; t += options.intervalMs) out.push(t);
  return out;
}

/** Runs a gratuitous schedule per key (`ip` on `ifname`); starting a running key restarts it. */
export class GratuitousScheduler {
  readonly #clock: Clock;
  readonly #offsets: readonly number[];
  readonly #running = new Map<string, () => void>();

  constructor(clock: Clock, options: GratuitousOptions = defaultGratuitousOptions) {
    this.#clock = clock;
    this.#offsets = gratuitousOffsetsMs(options);
  }

  /** Calls `send` now and at each later offset, until done or cancelled. */
  start(key: string, send: () => void): void {
    this.cancel(key);
    const cancels: Array<() => void> = [];
    const cancelAll = () => {
      for (const c of cancels) c();
    };
    this.#running.set(key, cancelAll);
    const last = this.#offsets.length - 1;
    this.#offsets.forEach((offset, i) => {
      const fire = () => {
        if (i === last && this.#running.get(key) === cancelAll) this.#running.delete(key);
        send();
      };
      if (offset === 0) fire();
      else cancels.push(this.#clock.after(offset, fire));
    });
  }

  cancel(key: string): void {
    const cancel = this.#running.get(key);
    if (cancel === undefined) return;
    this.#running.delete(key);
    cancel();
  }

  cancelAll(): void {
    for (const key of [...this.#running.keys()]) this.cancel(key);
  }

  /** Keys with sends still to come. */
  get activeKeys(): readonly string[] {
    return [...this.#running.keys()];
  }
}
