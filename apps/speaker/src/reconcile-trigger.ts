/**
 * Coalesces bursts of change notifications into one run on the next turn of the event loop, as
 * both modes' loops reconcile: nothing runs before `enable()` or after `disable()`.
 */
export class ReconcileTrigger {
  readonly #run: () => void;
  #scheduled = false;
  #enabled = false;

  constructor(run: () => void) {
    this.#run = run;
  }

  enable(): void {
    this.#enabled = true;
  }

  disable(): void {
    this.#enabled = false;
  }

  request(): void {
    if (this.#scheduled || !this.#enabled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#enabled) this.#run();
    });
  }
}
