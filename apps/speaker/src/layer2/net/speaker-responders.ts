/**
 * The speaker's ARP/NDP answering. packet-socket's neighbor responder thread (native, SCHED_FIFO
 * within a CPU budget) answers the requests for announced addresses the moment they arrive; the
 * ResponderSet here, on the main thread, judges every other frame the thread hands up (claims of
 * our addresses by other MACs: conflicts and the end of a hand-over; tagged frames; duplicate
 * address detection; malformed frames) and sends the gratuitous announcements. The main thread's
 * work (informers, membership, status writes, scrapes) therefore never delays a reply, without
 * the second V8 isolate a worker thread would cost (README, "Responder thread").
 */
import { macToBytes, parseIpv4, parseIpv6, writeIpv4 } from '@baremetal-lb/arp-wire';
import { HeartbeatMonitor } from '@baremetal-lb/liveness';
import {
  type NeighborConn,
  type NeighborPriorityChange,
  type NeighborResponder,
  openNeighborResponder,
  openPacketConn,
} from '@baremetal-lb/packet-socket';
import type { Logger } from 'pino';
import type { SpeakerFlags } from '../../cli/speaker-flags.ts';
import { errorText } from '../../observe/error-text.ts';
import type { SpeakerMetrics } from '../../observe/speaker-metrics.ts';
import type { AnnounceTarget, Placement, ResponderInterface } from '../announce/announcer.ts';
import { systemClock } from '../announce/clock.ts';
import type { InterfaceInfo } from '../interfaces/interface-eligibility.ts';
import {
  ConflictDetector,
  type ConflictReport,
  defaultConflictOptions,
} from '../responder/conflict-detector.ts';
import { defaultRateLimitOptions } from '../responder/source-rate-limiter.ts';
import { announcedFilter } from './neighbor-filter.ts';
import { PendingCounts } from './pending-counts.ts';
import { ResponderSet } from './responder-set.ts';

/**
 * Socket receive buffer for ARP/NDP, bytes (the kernel doubles it, capped by net.core.rmem_max):
 * about 5,000 queued minimum-size frames, i.e. 50 ms of a 100,000 requests/s storm, so a busy
 * core does not drop requests. Memory is only used while frames are queued.
 */
const receiveBufferBytes = 4 * 1024 * 1024;

/**
 * The responder thread's CPU budget: half a core is far beyond a healthy responder (about 2 µs
 * per frame: 250,000 frames/s); one second of normal scheduling is short enough that latency
 * recovers soon after a storm.
 */
const cpuBudget = { maxBusyShare: 0.5, windowMs: 100, cooldownMs: 1000 };

/**
 * How long after a claim by another MAC we must still hold the IP for it to be reported as a
 * conflict, ms: a legitimate hand-over releases it within a membership round trip
 * (ConflictDetector's recentClaimMs is the same window).
 */
const conflictConfirmMs = defaultConflictOptions.recentClaimMs;

/** Silence of the responder thread's loop (it goes round at least once a second) before it counts as wedged, ms. */
const maxSilenceMs = 5_000;

export type ResponderReports = {
  /** First sighting of another MAC for one of our IPs, still ours a moment later. */
  readonly onConflict: (report: ConflictReport) => void;
  /** A released placement was claimed by `mac`; it is no longer answered. */
  readonly onHandedOver: (placement: Placement, mac: string) => void;
};

export class SpeakerResponders implements AnnounceTarget {
  readonly #native: NeighborResponder;
  readonly #set: ResponderSet;
  readonly #counts: PendingCounts;
  readonly #metrics: SpeakerMetrics;
  readonly #heartbeat = new HeartbeatMonitor({ maxSilenceMs });
  #beats = -1;

  private constructor(
    native: NeighborResponder,
    set: ResponderSet,
    counts: PendingCounts,
    metrics: SpeakerMetrics,
  ) {
    this.#native = native;
    this.#set = set;
    this.#counts = counts;
    this.#metrics = metrics;
  }

  /**
   * Starts the responder thread from the speaker's flags and wires what it reports. `netns`
   * (tests) opens the packet sockets in that network namespace.
   */
  static start(
    flags: Pick<SpeakerFlags, 'requestRateLimit' | 'responderPriority'>,
    metrics: SpeakerMetrics,
    log: Logger,
    reports: ResponderReports,
    netns?: string,
  ): SpeakerResponders {
    const native = openNeighborResponder({
      ...(flags.requestRateLimit === 0
        ? {}
        : {
            rateLimit: {
              perSourcePerSecond: flags.requestRateLimit,
              burst: flags.requestRateLimit,
              maxSources: defaultRateLimitOptions.maxSources,
            },
          }),
      ...(flags.responderPriority > 0
        ? { realtime: { priority: flags.responderPriority, ...cpuBudget } }
        : {}),
      onPriorityChange: (change) => reportPriority(change, metrics, log),
      onReceiveError: (ifname, err) =>
        log.warn({ interface: ifname, err: errorText(err) }, 'interface error'),
    });
    if (native.realtimeError !== undefined) {
      log.warn({ err: native.realtimeError }, 'responder thread runs at normal priority');
    }
    metrics.responderRealtime.set(flags.responderPriority > 0 && native.realtimeError === undefined ? 1 : 0);
    const counts = new PendingCounts();
    const count = (kind: 'request' | 'response' | 'gratuitous', ip: string) => counts.add(kind, ip);
    const set = new ResponderSet({
      open: async (ifi) => {
        // Nothing announced yet: the kernel filter passes nothing until the first placement.
        const conn = openPacketConn(ifi.name, {
          filter: announcedFilter([], []),
          receiveBufferBytes,
          ...(netns === undefined ? {} : { netns }),
        });
        try {
          return native.attach(conn, ifi.mac);
        } catch (error) {
          await conn.close();
          throw error;
        }
      },
      filter: (conn, ipv4, ipv6) => {
        const answering = conn as NeighborConn;
        // Widened before the thread answers a new address, narrowed after it stopped.
        answering.setFilter(announcedFilter(ipv4, ipv6));
        answering.setAnswered([
          ...ipv4.map((ip) => ({ address: ipv4Bytes(parseIpv4(ip)), label: ip })),
          ...ipv6.map((ip) => ({ address: parseIpv6(ip), label: ip })),
        ]);
      },
      groups: {
        join: (conn, mac) => (conn as NeighborConn).addMembership(macToBytes(mac)),
        leave: (conn, mac) => (conn as NeighborConn).dropMembership(macToBytes(mac)),
      },
      now: () => systemClock.now(),
      // No rateLimiter: the thread applies the per-source limit to every frame before handing it up.
      conflicts: new ConflictDetector(),
      observer: {
        requestReceived: (ip) => count('request', ip),
        responseSent: (ip) => count('response', ip),
        gratuitousSent: (ip) => count('gratuitous', ip),
        // Reported only if we still hold the IP a moment later: a claim that is the new owner's
        // during a hand-over (seen just before our own view moved the IP) is no conflict.
        conflict: (report) => {
          setTimeout(() => {
            if (set.holds(report.ip, report.ifname)) reports.onConflict(report);
          }, conflictConfirmMs).unref();
        },
        sendError: (err) => log.debug({ err: errorText(err) }, 'send failed'),
      },
      onOutcome: (protocol, outcome) => counts.add(protocol, outcome),
      onError: (ifname, err) => log.warn({ interface: ifname, err: errorText(err) }, 'interface error'),
      onHandedOver: reports.onHandedOver,
    });
    return new SpeakerResponders(native, set, counts, metrics);
  }

  /** Liveness: the thread goes round its loop (at least once a second). */
  alive(): boolean {
    const beats = this.#native.beats();
    if (beats !== this.#beats) {
      this.#beats = beats;
      this.#heartbeat.beat();
    }
    return !this.#heartbeat.stalled();
  }

  /** Hands everything counted since the last call to the metrics (before each scrape). */
  flushCounts(): void {
    this.#metrics.addCounts([...this.#native.takeCounts(), ...this.#counts.take()]);
  }

  get interfaces(): readonly ResponderInterface[] {
    return this.#set.interfaces;
  }

  setInterfaces(eligible: readonly InterfaceInfo[]): Promise<void> {
    return this.#set.setInterfaces(eligible);
  }

  add(placement: Placement): void {
    this.#set.add(placement);
  }

  remove(placement: Placement): void {
    this.#set.remove(placement);
  }

  release(placement: Placement): void {
    this.#set.release(placement);
  }

  sendGratuitous(placement: Placement): void {
    this.#set.sendGratuitous(placement);
  }

  /** Closes every connection, then ends the thread. */
  async close(): Promise<void> {
    await this.#set.close();
    this.#native.close();
    this.flushCounts();
  }
}

function ipv4Bytes(address: number): Uint8Array {
  const bytes = new Uint8Array(4);
  writeIpv4(bytes, 0, address);
  return bytes;
}

function reportPriority(
  { realtime, busyShare, error }: NeighborPriorityChange,
  metrics: SpeakerMetrics,
  log: Logger,
): void {
  metrics.responderRealtime.set(realtime ? 1 : 0);
  const share = Number(busyShare.toFixed(2));
  if (error !== undefined) {
    log.warn({ err: error, realtime, busyShare: share }, 'responder thread priority change refused');
  } else if (realtime) {
    log.info({ busyShare: share }, 'responder thread back to realtime priority');
  } else {
    metrics.responderRealtimeSuspensions.inc();
    log.warn({ busyShare: share }, 'responder thread over its CPU budget: normal priority for a while');
  }
}
