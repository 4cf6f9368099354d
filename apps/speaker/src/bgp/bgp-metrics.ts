/**
 * BGP and BFD metrics with MetalLB's names and labels (peer = `ip:port` for BGP, `ip` for BFD;
 * reference: MetalLB's native and FRR collectors), registered on the speaker's registry so one
 * /metrics serves both modes. Message counters come from each session's own counters, published
 * as deltas at scrape time: a replaced session (config change) starts from zero without the
 * series going down.
 */
import type { PeerCounters } from '@baremetal-lb/bgp';
import type { MetricsRegistry } from '@baremetal-lb/metrics';

/** Counters of PeerCounters published under MetalLB's names (native and FRR mode). */
const counterNames = {
  updatesSent: ['metallb_bgp_updates_total', 'BGP UPDATE messages sent.'],
  updatesReceived: ['metallb_bgp_updates_total_received', 'BGP UPDATE messages received.'],
  opensSent: ['metallb_bgp_opens_sent', 'BGP OPEN messages sent.'],
  opensReceived: ['metallb_bgp_opens_received', 'BGP OPEN messages received.'],
  notificationsSent: ['metallb_bgp_notifications_sent', 'BGP NOTIFICATION messages sent.'],
  keepalivesSent: ['metallb_bgp_keepalives_sent', 'BGP KEEPALIVE messages sent.'],
  keepalivesReceived: ['metallb_bgp_keepalives_received', 'BGP KEEPALIVE messages received.'],
} as const satisfies Partial<Record<keyof PeerCounters, readonly [string, string]>>;

type CountedField = keyof typeof counterNames;

/** What the metrics read from one session at scrape time. */
export type SessionSample = {
  /** `ip:port` (MetalLB's peer label). */
  readonly peer: string;
  readonly up: boolean;
  readonly announced: number;
  readonly pending: number;
  readonly counters: Readonly<PeerCounters>;
};

export class BgpMetrics {
  readonly #sessionUp;
  readonly #announced;
  readonly #pending;
  readonly #bfdUp;
  readonly #counters;
  /** BFD session state by peer IP (BfdWorker reports changes, not levels). */
  readonly #bfd = new Map<string, boolean>();
  /** Last published counter values per session object (a new session has its own entry). */
  readonly #published = new WeakMap<object, Record<CountedField, number>>();

  constructor(
    registry: MetricsRegistry,
    sample: () => readonly (SessionSample & { readonly key: object })[],
  ) {
    this.#sessionUp = registry.gauge<'peer'>({
      name: 'metallb_bgp_session_up',
      help: 'BGP session state (1 is up, 0 is down).',
      labelNames: ['peer'],
      collect: () => this.#collect(sample()),
    });
    this.#announced = registry.gauge<'peer'>({
      name: 'metallb_bgp_announced_prefixes_total',
      help: 'Number of prefixes currently being advertised on the BGP session.',
      labelNames: ['peer'],
    });
    this.#pending = registry.gauge<'peer'>({
      name: 'metallb_bgp_pending_prefixes_total',
      help: 'Number of prefixes that should be advertised on the BGP session but are not yet.',
      labelNames: ['peer'],
    });
    this.#bfdUp = registry.gauge<'peer'>({
      name: 'metallb_bfd_session_up',
      help: 'BFD session state (1 is up, 0 is down).',
      labelNames: ['peer'],
      collect: () => {
        this.#bfdUp.reset();
        for (const [peer, up] of this.#bfd) this.#bfdUp.set({ peer }, up ? 1 : 0);
      },
    });
    this.#counters = Object.fromEntries(
      Object.entries(counterNames).map(([field, [name, help]]) => [
        field,
        registry.counter<'peer'>({ name, help, labelNames: ['peer'] }),
      ]),
    ) as Record<CountedField, ReturnType<MetricsRegistry['counter']>>;
  }

  /** BFD session state changes (BfdWorker's onStateChange). */
  setBfdUp(peerAddress: string, up: boolean): void {
    this.#bfd.set(peerAddress, up);
  }

  /** The session to `peerAddress` no longer exists (removed from the configuration). */
  forgetBfd(peerAddress: string): void {
    this.#bfd.delete(peerAddress);
  }

  /** Publishes a session's counters one last time before it is replaced or removed. */
  flush(session: SessionSample & { readonly key: object }): void {
    this.#publish(session);
  }

  #collect(sessions: readonly (SessionSample & { readonly key: object })[]): void {
    this.#sessionUp.reset();
    this.#announced.reset();
    this.#pending.reset();
    for (const s of sessions) {
      this.#sessionUp.set({ peer: s.peer }, s.up ? 1 : 0);
      this.#announced.set({ peer: s.peer }, s.announced);
      this.#pending.set({ peer: s.peer }, s.pending);
      this.#publish(s);
    }
  }

  #publish(s: SessionSample & { readonly key: object }): void {
    const last = this.#published.get(s.key) ?? zero();
    for (const field of Object.keys(counterNames) as CountedField[]) {
      const delta = s.counters[field] - last[field];
      if (delta > 0) this.#counters[field].inc({ peer: s.peer }, delta);
      last[field] = s.counters[field];
    }
    this.#published.set(s.key, last);
  }
}

function zero(): Record<CountedField, number> {
  return Object.fromEntries(Object.keys(counterNames).map((k) => [k, 0])) as Record<CountedField, number>;
}
