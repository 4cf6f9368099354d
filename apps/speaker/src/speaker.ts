/**
 * The speaker loop: whenever the cluster caches, the membership view or the interfaces change,
 * recompute `desiredAnnouncements` and let the announcer apply the difference at once (failover
 * latency is this path). Status objects and events follow asynchronously and never hold it up;
 * while the API server is unreachable the loop keeps running on the last known caches.
 */
import { Ranker } from '@baremetal-lb/leader';
import type { Logger } from 'pino';
import type { Announcer, ResponderInterface } from './announce/announcer.ts';
import {
  AnnounceReason,
  type DesiredAnnouncements,
  desiredAnnouncements,
} from './election/desired-announcements.ts';
import { buildSpeakerState } from './k8s/build-speaker-state.ts';
import type { ClusterSnapshot } from './k8s/cluster-cache.ts';
import {
  EventReason,
  ipConflictMessage,
  nodeAssignedMessage,
  type ServiceRef,
} from './k8s/event-recorder.ts';
import type { DesiredL2Status } from './k8s/plan-status-sync.ts';
import { toConfigView } from './k8s/to-config-view.ts';
import type { SpeakerMetrics } from './observe/speaker-metrics.ts';
import type { ConflictReport } from './responder/conflict-detector.ts';

export type SpeakerDeps = {
  readonly nodeName: string;
  readonly lbClass: string | undefined;
  readonly log: Logger;
  readonly metrics: SpeakerMetrics;
  readonly cluster: { snapshot(): ClusterSnapshot };
  readonly members: { liveMembers(): readonly string[] };
  readonly interfaces: () => readonly ResponderInterface[];
  readonly announcer: Announcer;
  readonly statusWriter?: {
    sync(
      desired: readonly DesiredL2Status[],
      liveNodes?: ReadonlySet<string>,
    ): Promise<readonly DesiredL2Status[]>;
  };
  readonly events?: {
    record(
      service: ServiceRef,
      type: 'Normal' | 'Warning',
      reason: EventReason,
      message: string,
    ): Promise<void>;
  };
};

/** After a failed status sync, retry after this long (doubling to the max), ms. */
const statusRetryBaseMs = 500;
const statusRetryMaxMs = 5000;
/** Level-triggered repair of status objects even without changes, ms. */
const statusResyncMs = 30_000;

export class Speaker {
  readonly #d: SpeakerDeps;
  /** Remembers election hashes across reconciles (a membership change re-elects every IP). */
  readonly #ranker = new Ranker();
  #scheduled = false;
  #started = false;
  #stopped = false;
  #last: DesiredAnnouncements | undefined;
  #lastStatusKey = '';
  #statusRunning = false;
  #statusAgain = false;
  #statusRetryMs = 0;
  #statusTimer: NodeJS.Timeout | undefined;
  #reconciles = 0;

  constructor(deps: SpeakerDeps) {
    this.#d = deps;
  }

  /** Coalesces bursts of changes into one reconcile on the next turn of the event loop. */
  requestReconcile(): void {
    // Before start() the membership view may hold only this node, which would win every IP.
    if (this.#scheduled || this.#stopped || !this.#started) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#stopped) this.reconcile();
    });
  }

  /** Recomputes and applies the announcements now (synchronous). */
  reconcile(): DesiredAnnouncements {
    const { nodeName, log } = this.#d;
    const snapshot = this.#d.cluster.snapshot();
    const nodes = snapshot.nodes.map((n) => ({ metadata: n.metadata ?? {} }));
    const config = toConfigView(snapshot.pools, snapshot.advertisements, nodes);
    const state = buildSpeakerState(
      snapshot,
      config,
      new Set(this.#d.members.liveMembers()),
      this.#d.lbClass,
    );
    const desired = desiredAnnouncements(state, nodeName, this.#ranker);
    this.#ranker.retain(desired.services.flatMap((s) => s.ips));
    const diff = this.#d.announcer.apply(desired.announcements, this.#d.interfaces());
    this.#reconciles++;
    for (const p of diff.added) log.info({ ip: p.ip, interface: p.ifname, event: 'announce' }, 'announcing');
    for (const p of diff.removed)
      log.info({ ip: p.ip, interface: p.ifname, event: 'withdraw' }, 'stopped announcing');

    const previous = this.#last;
    this.#last = desired;
    if (
      previous === undefined ||
      diff.added.length > 0 ||
      diff.removed.length > 0 ||
      changedOwners(previous, desired)
    ) {
      this.#updateAnnouncedGauge(desired);
    }
    const statusKey = JSON.stringify(this.#desiredStatuses(desired));
    if (statusKey !== this.#lastStatusKey) {
      this.#lastStatusKey = statusKey;
      this.#syncStatus();
    }
    return desired;
  }

  get started(): boolean {
    return this.#started;
  }

  get reconcileCount(): number {
    return this.#reconciles;
  }

  get lastDesired(): DesiredAnnouncements | undefined {
    return this.#last;
  }

  /** Starts reconciling (call once the membership view is joined) and the periodic status repair. */
  start(): void {
    this.#started = true;
    const tick = () => {
      if (this.#stopped) return;
      this.#syncStatus();
      this.#statusTimer = setTimeout(tick, statusResyncMs);
      this.#statusTimer.unref();
    };
    this.#statusTimer = setTimeout(tick, statusResyncMs);
    this.#statusTimer.unref();
    this.requestReconcile();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#statusTimer !== undefined) clearTimeout(this.#statusTimer);
  }

  /** A conflict report from a responder: count it, log it once, Warning event on each Service. */
  reportConflict(report: ConflictReport): void {
    const { log, metrics, nodeName } = this.#d;
    metrics.conflicts.inc({ ip: report.ip });
    log.warn(
      { ip: report.ip, mac: report.mac, interface: report.ifname, event: 'ipConflict' },
      'IP conflict',
    );
    const services = this.#last?.announcements.get(report.ip)?.services ?? [];
    const snapshot = this.#d.cluster.snapshot();
    for (const key of services) {
      const [namespace, name] = key.split('/') as [string, string];
      const uid = snapshot.services.find(
        (s) => s.metadata?.namespace === namespace && s.metadata?.name === name,
      )?.metadata?.uid;
      this.#event(
        { namespace, name, uid },
        'Warning',
        EventReason.ipConflict,
        ipConflictMessage(nodeName, report.ip, report.mac, report.ifname),
      );
    }
  }

  #desiredStatuses(desired: DesiredAnnouncements): DesiredL2Status[] {
    return desired.services
      .filter((s) => s.reason === AnnounceReason.announcing)
      .map((s) => ({
        serviceNamespace: s.namespace,
        serviceName: s.name,
        interfaces: s.interfaces === 'all' ? [] : s.interfaces,
      }));
  }

  #updateAnnouncedGauge(desired: DesiredAnnouncements): void {
    const { metrics, nodeName } = this.#d;
    metrics.announced.reset();
    for (const s of desired.services) {
      if (s.reason !== AnnounceReason.announcing) continue;
      for (const ip of s.ips) {
        metrics.announced.set(
          { service: `${s.namespace}/${s.name}`, protocol: 'layer2', node: nodeName, ip },
          1,
        );
      }
    }
  }

  #syncStatus(): void {
    const writer = this.#d.statusWriter;
    if (writer === undefined || this.#stopped) return;
    if (this.#statusRunning) {
      this.#statusAgain = true;
      return;
    }
    const desired = this.#last === undefined ? [] : this.#desiredStatuses(this.#last);
    this.#statusRunning = true;
    writer.sync(desired, new Set(this.#d.members.liveMembers())).then(
      (created) => {
        this.#statusRunning = false;
        this.#statusRetryMs = 0;
        const snapshot = this.#d.cluster.snapshot();
        for (const c of created) {
          const uid = snapshot.services.find(
            (s) => s.metadata?.namespace === c.serviceNamespace && s.metadata?.name === c.serviceName,
          )?.metadata?.uid;
          this.#event(
            { namespace: c.serviceNamespace, name: c.serviceName, uid },
            'Normal',
            EventReason.nodeAssigned,
            nodeAssignedMessage(this.#d.nodeName),
          );
        }
        if (this.#statusAgain) {
          this.#statusAgain = false;
          this.#syncStatus();
        }
      },
      (error: unknown) => {
        this.#statusRunning = false;
        this.#statusRetryMs = Math.min(
          Math.max(this.#statusRetryMs * 2, statusRetryBaseMs),
          statusRetryMaxMs,
        );
        this.#d.log.debug(
          { err: String(error), retryMs: this.#statusRetryMs },
          'ServiceL2Status sync failed',
        );
        setTimeout(() => this.#syncStatus(), this.#statusRetryMs).unref();
      },
    );
  }

  #event(service: ServiceRef, type: 'Normal' | 'Warning', reason: EventReason, message: string): void {
    this.#d.events?.record(service, type, reason, message).catch((error: unknown) => {
      this.#d.log.warn(
        { err: String(error), reason, service: `${service.namespace}/${service.name}` },
        'event not recorded',
      );
    });
  }
}

function changedOwners(a: DesiredAnnouncements, b: DesiredAnnouncements): boolean {
  if (a.services.length !== b.services.length) return true;
  return a.services.some((s, i) => {
    const t = b.services[i]!;
    return (
      s.name !== t.name ||
      s.namespace !== t.namespace ||
      s.reason !== t.reason ||
      s.ips.join() !== t.ips.join()
    );
  });
}
