/**
 * Runs an asynchronous write (status objects) one at a time, off the announcing path: a request
 * while it runs makes it run once more afterwards with the newest state; a failure (API server
 * away) retries after 0.5 s doubling to 5 s, jittered. `stop` ends it.
 */
import { Backoff } from '@baremetal-lb/kube';

/** Retry delays after a failed run. */
const retryBackoff = { baseDelayMs: 500, maxDelayMs: 5_000 };

export class SerialSync {
  readonly #task: () => Promise<void>;
  readonly #onError: (error: unknown, retryMs: number) => void;
  readonly #retry = new Backoff(retryBackoff);
  #running = false;
  #again = false;
  #stopped = false;

  constructor(task: () => Promise<void>, onError: (error: unknown, retryMs: number) => void) {
    this.#task = task;
    this.#onError = onError;
  }

  request(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#task().then(
      () => {
        this.#running = false;
        this.#retry.succeeded();
        if (this.#again) {
          this.#again = false;
          this.request();
        }
      },
      (error: unknown) => {
        this.#running = false;
        const retryMs = this.#retry.failed();
        this.#onError(error, retryMs);
        setTimeout(() => this.request(), retryMs).unref();
      },
    );
  }

  stop(): void {
    this.#stopped = true;
  }
}
