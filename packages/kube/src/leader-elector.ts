import { type Clock, sleep, type TimerHandle } from './clock.ts';
import type { Lease } from './kube-types.ts';
import type { Logger } from './logger.ts';
import { formatMicroTime } from './micro-time.ts';

/** The Lease object, behind a small interface (the API in production, memory in tests). */
export interface LeaseStore {
  /** The Lease, or undefined when it does not exist. Every call gives up when `signal` aborts. */
  get(signal?: AbortSignal): Promise<Lease | undefined>;
  create(lease: Lease, signal?: AbortSignal): Promise<Lease>;
  /** Replaces the Lease; fails (409) when metadata.resourceVersion is stale. */
  update(lease: Lease, signal?: AbortSignal): Promise<Lease>;
}

export type LeaderTimings = {
  /**
   * How long a Lease stays valid without renewal. A standby takes over at most
   * leaseDurationMs + 2 x standbyPollMs after the leader's last renewal: 3.5 s here, inside the
   * 5 s the controller promises.
   */
  readonly leaseDurationMs: number;
  /** The leader renews this often. */
  readonly renewIntervalMs: number;
  /**
   * The leader steps down when it could not renew for this long; shorter than leaseDurationMs,
   * so it stops writing before anyone else may start. Enforced by a timer, not by the outcome of
   * a renewal: a request to a stalled API server may hang far longer (client-go bounds each
   * attempt the same way). Every Lease request is also cut off after this long.
   */
  readonly renewDeadlineMs: number;
  /**
   * A standby re-reads the Lease this often; also how soon it takes over after a graceful
   * release (the leader clears the holder on exit).
   */
  readonly standbyPollMs: number;
};

export const defaultLeaderTimings: LeaderTimings = {
  leaseDurationMs: 3_000,
  renewIntervalMs: 1_000,
  renewDeadlineMs: 2_000,
  standbyPollMs: 250,
};

export type LeaderCallbacks = {
  /** This replica became the leader: start writing. */
  readonly onStartedLeading: () => void;
  /** This replica lost the lease: stop writing at once. */
  readonly onStoppedLeading: () => void;
};

type Observed = { readonly holder: string; readonly renewTime: string; readonly transitions: number };

/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go does it: a Lease held by
 * someone else expires leaseDuration after this replica last SAW it change (local clock, so no
 * clock-skew assumptions); updates carry resourceVersion, so two candidates never both win.
 *
 * The leader stops leading renewDeadline after its last successful renewal, whatever its requests
 * are doing, so it has stopped writing (leaseDuration - renewDeadline) before a standby can take
 * the Lease; the controller aborts its in-flight writes when told to stop.
 */
export class LeaderElector {
  readonly #store: LeaseStore;
  readonly #identity: string;
  readonly #clock: Clock;
  readonly #timings: LeaderTimings;
  readonly #callbacks: LeaderCallbacks;
  readonly #log: Logger | undefined;
  #leader = false;
  #lastRenewMs = 0;
  #observed: Observed | undefined;
  #observedAtMs = 0;
  #lease: Lease | undefined;
  #deadline: TimerHandle | undefined;

  constructor(options: {
    store: LeaseStore;
    identity: string;
    clock: Clock;
    callbacks: LeaderCallbacks;
    timings?: LeaderTimings;
    log?: Logger;
  }) {
    this.#store = options.store;
    this.#identity = options.identity;
    this.#clock = options.clock;
    this.#timings = options.timings ?? defaultLeaderTimings;
    this.#callbacks = options.callbacks;
    this.#log = options.log;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Campaigns and renews until `signal` aborts. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const startedMs = this.#clock.now();
      const ok = await this.#tryAcquireOrRenew(signal);
      if (ok && !signal.aborted) {
        // A renewal counts from when it was sent: the Lease may have been written at any moment
        // after that, so that is the latest this replica can be sure it still held it.
        this.#lastRenewMs = startedMs;
        this.#armDeadline();
        if (!this.#leader) {
          this.#leader = true;
          this.#log?.info({ identity: this.#identity }, 'became leader');
          this.#callbacks.onStartedLeading();
        }
      }
      const delay = this.#leader && ok ? this.#timings.renewIntervalMs : this.#timings.standbyPollMs;
      await sleep(this.#clock, delay, signal);
    }
    this.#disarmDeadline();
  }

  /**
   * Gives the Lease up (graceful exit): clears the holder so a standby takes over at its next
   * poll instead of waiting for expiry. Call after `run`'s signal aborted and writes stopped.
   */
  async release(): Promise<void> {
    if (!this.#leader) return;
    this.#stepDown('released');
    const lease = this.#lease;
    if (!lease?.spec) return;
    const now = formatMicroTime(this.#clock.now());
    try {
      await this.#store.update(
        { ...lease, spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: now } },
        AbortSignal.timeout(this.#timings.renewDeadlineMs),
      );
    } catch (error) {
      this.#log?.warn({ err: error }, 'could not release the lease; a standby takes over when it expires');
    }
  }

  /** (Re)starts the timer that ends leadership renewDeadline after the last renewal. */
  #armDeadline(): void {
    this.#disarmDeadline();
    const remainingMs = this.#lastRenewMs + this.#timings.renewDeadlineMs - this.#clock.now();
    this.#deadline = this.#clock.setTimeout(
      () => {
        this.#deadline = undefined;
        this.#stepDown('could not renew the lease in time');
      },
      Math.max(0, remainingMs),
    );
  }

  #disarmDeadline(): void {
    if (this.#deadline !== undefined) this.#clock.clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #stepDown(why: string): void {
    this.#disarmDeadline();
    if (!this.#leader) return;
    this.#leader = false;
    this.#log?.warn({ identity: this.#identity, why }, 'stopped leading');
    this.#callbacks.onStoppedLeading();
  }

  async #tryAcquireOrRenew(stop: AbortSignal): Promise<boolean> {
    const now = this.#clock.now();
    const durationSeconds = Math.ceil(this.#timings.leaseDurationMs / 1000);
    const nowText = formatMicroTime(now);
    const attempt = new AbortController();
    const cutOff = this.#clock.setTimeout(() => attempt.abort(), this.#timings.renewDeadlineMs);
    const onStop = () => attempt.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const signal = attempt.signal;
    try {
      const lease = await this.#store.get(signal);
      if (lease === undefined) {
        this.#lease = await this.#store.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: '' },
            spec: {
              holderIdentity: this.#identity,
              leaseDurationSeconds: durationSeconds,
              acquireTime: nowText,
              renewTime: nowText,
              leaseTransitions: 0,
            },
          },
          signal,
        );
        this.#observe(this.#lease, now);
        return true;
      }
      this.#observe(lease, now);
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const validForMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== '' && holder !== this.#identity && this.#observedAtMs + validForMs > now) return false;
      const mine = holder === this.#identity;
      this.#lease = await this.#store.update(
        {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: this.#identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: mine ? (spec.acquireTime ?? nowText) : nowText,
            renewTime: nowText,
            leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
          },
        },
        signal,
      );
      this.#observe(this.#lease, now);
      return true;
    } catch (error) {
      this.#log?.debug({ err: error }, 'lease acquire/renew failed');
      return false;
    } finally {
      this.#clock.clearTimeout(cutOff);
      stop.removeEventListener('abort', onStop);
    }
  }

  /** Remembers when the Lease last changed, by this replica's clock. */
  #observe(lease: Lease, now: number): void {
    const spec = lease.spec ?? {};
    const observed = {
      holder: spec.holderIdentity ?? '',
      renewTime: spec.renewTime ?? '',
      transitions: spec.leaseTransitions ?? 0,
    };
    const previous = this.#observed;
    if (
      previous === undefined ||
      previous.holder !== observed.holder ||
      previous.renewTime !== observed.renewTime ||
      previous.transitions !== observed.transitions
    ) {
      this.#observed = observed;
      this.#observedAtMs = now;
    }
  }
}
