/**
 * Prometheus metrics: MetalLB's layer-2 names (dashboards keep working) plus our own for frame
 * outcomes, conflicts, membership and API connectivity. One registry per speaker instance.
 */
import type { MembershipSnapshot, MembershipStats } from '@baremetal-lb/leader';
import { Counter, Gauge, Registry } from 'prom-client';
import type { CountEntry } from '../thread/pending-counts.ts';
import { TallyCounter } from './tally-counter.ts';

export class SpeakerMetrics {
  readonly registry = new Registry();
  readonly announced = new Gauge({
    name: 'metallb_speaker_announced',
    help: 'Services being announced from this node (1 per service, protocol, node and IP).',
    labelNames: ['service', 'protocol', 'node', 'ip'],
    registers: [this.registry],
  });
  readonly requestsReceived: Counter<'ip'> = new Counter({
    name: 'metallb_layer2_requests_received',
    help: 'ARP requests and neighbor solicitations received for announced IPs.',
    labelNames: ['ip'],
    registers: [this.registry],
    collect: (): void => this.#requestTallies.publish(),
  });
  readonly responsesSent: Counter<'ip'> = new Counter({
    name: 'metallb_layer2_responses_sent',
    help: 'ARP replies and neighbor advertisements sent for announced IPs.',
    labelNames: ['ip'],
    registers: [this.registry],
    collect: (): void => this.#responseTallies.publish(),
  });
  readonly gratuitousSent = new Counter({
    name: 'metallb_layer2_gratuitous_sent',
    help: 'Gratuitous ARP frames and unsolicited neighbor advertisements sent.',
    labelNames: ['ip'],
    registers: [this.registry],
  });
  readonly frames: Counter<'protocol' | 'outcome'> = new Counter({
    name: 'baremetal_lb_layer2_frames_total',
    help: 'ARP/NDP frames handled, by protocol and outcome (rateLimited counts per-source drops).',
    labelNames: ['protocol', 'outcome'],
    registers: [this.registry],
    collect: (): void => {
      this.#frameTallies.arp.publish();
      this.#frameTallies.ndp.publish();
    },
  });
  readonly conflicts = new Counter({
    name: 'baremetal_lb_layer2_conflicts_total',
    help: 'Distinct hosts (IP, MAC) found answering for or claiming an announced IP.',
    labelNames: ['ip'],
    registers: [this.registry],
  });
  readonly members = new Gauge({
    name: 'baremetal_lb_membership_members',
    help: 'Members in the local membership view, by state.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly memberEvents = new Counter({
    name: 'baremetal_lb_membership_events_total',
    help: 'Membership state changes seen, by new state and reason.',
    labelNames: ['state', 'reason'],
    registers: [this.registry],
  });
  readonly membershipPackets = new Gauge({
    name: 'baremetal_lb_membership_packets',
    help: 'Membership datagrams since start, by direction (sent, received).',
    labelNames: ['direction'],
    registers: [this.registry],
  });
  readonly membershipDropped = new Gauge({
    name: 'baremetal_lb_membership_dropped_packets',
    help: 'Membership datagrams ignored since start (forged, replayed, malformed...), by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly apiConnected = new Gauge({
    name: 'baremetal_lb_speaker_api_connected',
    help: '1 while the informers reach the API server; 0 while announcing from the last known state.',
    registers: [this.registry],
  });
  readonly responderRealtime = new Gauge({
    name: 'baremetal_lb_responder_realtime',
    help: '1 while the ARP/NDP responder thread runs under SCHED_FIFO (--responder-priority), else 0.',
    registers: [this.registry],
  });
  readonly responderRealtimeSuspensions = new Counter({
    name: 'baremetal_lb_responder_realtime_suspensions_total',
    help: 'Times the responder thread went over its CPU budget and dropped to normal scheduling for a while.',
    registers: [this.registry],
  });

  // The per-frame counters: plain numbers, moved into prom-client at scrape (tally-counter.ts).
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

  /** Refreshes the membership gauges from a snapshot and stats (called on scrape and on change). */
  setMembership(snapshot: MembershipSnapshot, stats: MembershipStats): void {
    const byState: Record<string, number> = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const m of snapshot.members) byState[m.state] = (byState[m.state] ?? 0) + 1;
    for (const [state, n] of Object.entries(byState)) this.members.set({ state }, n);
    this.membershipPackets.set({ direction: 'sent' }, stats.packetsSent);
    this.membershipPackets.set({ direction: 'received' }, stats.packetsReceived);
    for (const [reason, n] of Object.entries(stats.dropped)) this.membershipDropped.set({ reason }, n);
  }
}
