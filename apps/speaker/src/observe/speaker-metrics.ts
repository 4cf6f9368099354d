/**
 * Prometheus metrics: MetalLB's layer-2 names (dashboards keep working) plus our own for frame
 * outcomes, conflicts, membership and API connectivity. One registry per speaker instance.
 */
import type { MembershipSnapshot, MembershipStats } from '@baremetal-lb/leader';
import { type Counter, MetricsRegistry, registerProcessMetrics } from '@baremetal-lb/metrics';
import type { CountEntry } from '../layer2/net/pending-counts.ts';
import { TallyCounter } from './tally-counter.ts';

type AnnouncedLabel = 'service' | 'protocol' | 'node' | 'ip';
/** One `metallb_speaker_announced` series: service `namespace/name`, protocol `layer2` or `bgp`. */
export type AnnouncedLabels = Readonly<Record<AnnouncedLabel, string>>;

export class SpeakerMetrics {
  readonly registry = new MetricsRegistry();
  constructor() {
    // process_resident_memory_bytes, nodejs_heap_size_used_bytes, … (the main thread's isolate),
    // read at scrape.
    registerProcessMetrics(this.registry);
  }

  readonly announced = this.registry.gauge<AnnouncedLabel>({
    name: 'metallb_speaker_announced',
    help: 'Services being announced from this node (1 per service, protocol, node and IP).',
    labelNames: ['service', 'protocol', 'node', 'ip'],
    collect: (): void => {
      this.announced.reset();
      for (const list of this.#announcedBy.values()) for (const labels of list) this.announced.set(labels, 1);
    },
  });
  /** Each mode's announced series, replaced whole by setAnnounced (layer 2 and BGP run side by side). */
  readonly #announcedBy = new Map<string, readonly AnnouncedLabels[]>();
  readonly requestsReceived: Counter<'ip'> = this.registry.counter<'ip'>({
    name: 'metallb_layer2_requests_received',
    help: 'ARP requests and neighbor solicitations received for announced IPs.',
    labelNames: ['ip'],
    collect: (): void => this.#requestTallies.publish(),
  });
  readonly responsesSent: Counter<'ip'> = this.registry.counter<'ip'>({
    name: 'metallb_layer2_responses_sent',
    help: 'ARP replies and neighbor advertisements sent for announced IPs.',
    labelNames: ['ip'],
    collect: (): void => this.#responseTallies.publish(),
  });
  readonly gratuitousSent = this.registry.counter<'ip'>({
    name: 'metallb_layer2_gratuitous_sent',
    help: 'Gratuitous ARP frames and unsolicited neighbor advertisements sent.',
    labelNames: ['ip'],
  });
  readonly frames: Counter<'protocol' | 'outcome'> = this.registry.counter<'protocol' | 'outcome'>({
    name: 'baremetal_lb_layer2_frames_total',
    help: 'ARP/NDP frames handled, by protocol and outcome (rateLimited counts per-source drops).',
    labelNames: ['protocol', 'outcome'],
    collect: (): void => {
      this.#frameTallies.arp.publish();
      this.#frameTallies.ndp.publish();
    },
  });
  readonly conflicts = this.registry.counter<'ip'>({
    name: 'baremetal_lb_layer2_conflicts_total',
    help: 'Distinct hosts (IP, MAC) found answering for or claiming an announced IP.',
    labelNames: ['ip'],
  });
  readonly members = this.registry.gauge<'state'>({
    name: 'baremetal_lb_membership_members',
    help: 'Members in the local membership view, by state.',
    labelNames: ['state'],
  });
  readonly memberEvents = this.registry.counter<'state' | 'reason'>({
    name: 'baremetal_lb_membership_events_total',
    help: 'Membership state changes seen, by new state and reason.',
    labelNames: ['state', 'reason'],
  });
  readonly membershipOffloaded = this.registry.gauge<'what'>({
    name: 'baremetal_lb_membership_offloaded',
    help: 'Membership steady-state work the native link did without the main thread since start (pings_answered, probes_sent, acks_received, probes_missed).',
    labelNames: ['what'],
  });
  readonly membershipPackets = this.registry.gauge<'direction'>({
    name: 'baremetal_lb_membership_packets',
    help: 'Membership datagrams since start, by direction (sent, received).',
    labelNames: ['direction'],
  });
  readonly membershipDropped = this.registry.gauge<'reason'>({
    name: 'baremetal_lb_membership_dropped_packets',
    help: 'Membership datagrams ignored since start (forged, replayed, malformed...), by reason.',
    labelNames: ['reason'],
  });
  readonly apiConnected = this.registry.gauge({
    name: 'baremetal_lb_speaker_api_connected',
    help: '1 while the informers reach the API server; 0 while announcing from the last known state.',
  });
  readonly responderRealtime = this.registry.gauge({
    name: 'baremetal_lb_responder_realtime',
    help: '1 while the ARP/NDP responder thread runs under SCHED_FIFO (--responder-priority), else 0.',
  });
  readonly responderRealtimeSuspensions = this.registry.counter({
    name: 'baremetal_lb_responder_realtime_suspensions_total',
    help: 'Times the responder thread went over its CPU budget and dropped to normal scheduling for a while.',
  });

  // The per-frame counters: plain numbers, moved into the registry's counters at scrape (tally-counter.ts).
  readonly #frameTallies = {
    arp: new TallyCounter(this.frames, 'outcome', { protocol: 'arp' }),
    ndp: new TallyCounter(this.frames, 'outcome', { protocol: 'ndp' }),
  };
  readonly #requestTallies: TallyCounter<'ip'> = new TallyCounter(this.requestsReceived, 'ip');
  readonly #responseTallies: TallyCounter<'ip'> = new TallyCounter(this.responsesSent, 'ip');

  /**
   * Adds what the responder thread counted: frames by protocol and outcome, and requests,
   * responses and gratuitous sends by IP (only announced IPs, so the label values stay bounded).
   */
  addCounts(counts: readonly CountEntry[]): void {
    for (const [kind, label, n] of counts) {
      switch (kind) {
        case 'arp':
        case 'ndp':
          this.#frameTallies[kind].inc(label, n);
          break;
        case 'request':
          this.#requestTallies.inc(label, n);
          break;
        case 'response':
          this.#responseTallies.inc(label, n);
          break;
        case 'gratuitous':
          this.gratuitousSent.inc({ ip: label }, n);
          break;
      }
    }
  }

  /** Replaces what `protocol` announces (metallb_speaker_announced); the other mode's series stay. */
  setAnnounced(protocol: 'layer2' | 'bgp', series: readonly AnnouncedLabels[]): void {
    this.#announcedBy.set(protocol, series);
  }

  /** Refreshes the membership gauges from a snapshot and stats (called on scrape and on change). */
  setMembership(snapshot: MembershipSnapshot, stats: MembershipStats): void {
    const byState: Record<string, number> = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const m of snapshot.members) byState[m.state] = (byState[m.state] ?? 0) + 1;
    for (const [state, n] of Object.entries(byState)) this.members.set({ state }, n);
    this.membershipPackets.set({ direction: 'sent' }, stats.packetsSent);
    this.membershipPackets.set({ direction: 'received' }, stats.packetsReceived);
    for (const [reason, n] of Object.entries(stats.dropped)) this.membershipDropped.set({ reason }, n);
    const offloaded = stats.offloaded;
    if (offloaded !== undefined) {
      this.membershipOffloaded.set({ what: 'pings_answered' }, offloaded.pingsAnswered);
      this.membershipOffloaded.set({ what: 'probes_sent' }, offloaded.probesSent);
      this.membershipOffloaded.set({ what: 'acks_received' }, offloaded.acksReceived);
      this.membershipOffloaded.set({ what: 'probes_missed' }, offloaded.probesMissed);
    }
  }
}
