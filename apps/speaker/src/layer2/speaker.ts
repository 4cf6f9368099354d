/**
 * The speaker loop: whenever the cluster caches, the membership view or the interfaces change,
 * recompute `desiredAnnouncements` and let the announcer apply the difference at once (failover
 * latency is this path). Status objects and events follow asynchronously and never hold it up;
 * while the API server is unreachable the loop keeps running on the last known caches.
 */
import type { EventRecorder } from '@baremetal-lb/kube';
import { Ranker } from '@baremetal-lb/leader';
import type { Logger } from 'pino';
import { buildSpeakerState } from '../k8s/build-speaker-state.ts';
import type { ClusterSnapshot } from '../k8s/cluster-cache.ts';
import { SerialSync } from '../k8s/serial-sync.ts';
import {
  EventReason,
  ipConflictMessage,
  nodeAssignedMessage,
  type ServiceRef,
  subjectOf,
} from '../k8s/speaker-events.ts';
import type { SpeakerMetrics } from '../observe/speaker-metrics.ts';
import { ReconcileTrigger } from '../reconcile-trigger.ts';
import type { Announcer, Released, ResponderInterface } from './announce/announcer.ts';
import {
  AnnounceReason,
  type DesiredAnnouncements,
  desiredAnnouncements,
} from './election/desired-announcements.ts';
import type { SpeakerState } from './election/speaker-state.ts';
import type { DesiredL2Status } from './k8s/plan-status-sync.ts';
import { toConfigView } from './k8s/to-config-view.ts';
import type { ConflictReport } from './responder/conflict-detector.ts';

export type SpeakerDeps = {
  readonly nodeName: string;
  readonly lbClass: string | undefined;
  readonly log: Logger;
  readonly metrics: SpeakerMetrics;
  readonly cluster: { snapshot(): ClusterSnapshot };
  readonly members: {
    liveMembers(): readonly string[];
    /** Every name in the membership view, whatever its state (alive, suspect, dead, left). */
    knownMembers(): readonly string[];
  };
  /**
   * Cold start: for `holdMs` after start() (on `now`, ms), an IP that a Node not yet seen in the
   * membership would own is not announced (that Node's speaker may be starting right now). See
   * README, "Start-up".
   */
  readonly startHold?: { readonly holdMs: number; readonly now: () => number };
  readonly interfaces: () => readonly ResponderInterface[];
  readonly announcer: Announcer;
  readonly statusWriter?: {
    sync(
      desired: readonly DesiredL2Status[],
      liveNodes?: ReadonlySet<string>,
    ): Promise<readonly DesiredL2Status[]>;
  };
  /** Sends events and logs the ones it could not send. */
  readonly events?: Pick<EventRecorder, 'record'>;
};

/** Level-triggered repair of status objects even without changes, ms. */
const statusResyncMs = 30_000;

export class Speaker {
  readonly #d: SpeakerDeps;
  /** Remembers election hashes across reconciles (a membership change re-elects every IP). */
  readonly #ranker = new Ranker();
  readonly #trigger = new ReconcileTrigger(() => this.reconcile());
  #started = false;
  #stopped = false;
  #last: DesiredAnnouncements | undefined;
  /** IPs held back by the start-up hold in the last reconcile. */
  #held: ReadonlySet<string> = new Set();
  #holdUntilMs = 0;
  #lastStatusKey = '';
  readonly #statusSync = new SerialSync(
    () => this.#writeStatus(this.#d.statusWriter!),
    (error, retryMs) => this.#d.log.debug({ err: String(error), retryMs }, 'ServiceL2Status sync failed'),
  );
  #statusTimer: NodeJS.Timeout | undefined;
  #reconciles = 0;

  constructor(deps: SpeakerDeps) {
    this.#d = deps;
  }

  /** Coalesces bursts of changes into one reconcile on the next turn of the event loop. */
  requestReconcile(): void {
    // Before start() the membership view may hold only this node, which would win every IP.
    this.#trigger.request();
  }

  /** Recomputes and applies the announcements now (synchronous). */
  reconcile(): DesiredAnnouncements {
    const { nodeName, log } = this.#d;
    const { state, snapshot } = this.#state(this.#d.members.liveMembers());
    const desired = desiredAnnouncements(state, nodeName, this.#ranker);
    this.#ranker.retain(desired.services.flatMap((s) => s.ips));
    const held = this.#heldAtStart(state, snapshot, desired);
    const announce = new Map([...desired.announcements].filter(([ip]) => !held.has(ip)));
    const owners = ownersElsewhere(desired, nodeName);
    const diff = this.#d.announcer.apply(announce, this.#d.interfaces(), (ip) => owners.has(ip));
    this.#reconciles++;
    if (held.size > 0) log.debug({ ips: [...held] }, 'holding back IPs that an unseen node may own');
    for (const p of diff.added) log.info({ ip: p.ip, interface: p.ifname, event: 'announce' }, 'announcing');
    for (const p of diff.removed)
      log.info({ ip: p.ip, interface: p.ifname, event: 'withdraw' }, 'stopped announcing');
    for (const p of diff.releasing) {
      log.info(
        { ip: p.ip, interface: p.ifname, to: owners.get(p.ip), event: 'handOver' },
        'handing over: answering until the new owner claims the IP',
      );
    }

    const previous = this.#last;
    this.#last = desired;
    this.#held = held;
    if (
      previous === undefined ||
      diff.added.length > 0 ||
      diff.removed.length > 0 ||
      changedOwners(previous, desired)
    ) {
      this.#updateAnnouncedGauge(desired, held);
    }
    const statusKey = JSON.stringify(this.#desiredStatuses(desired, held));
    if (statusKey !== this.#lastStatusKey) {
      this.#lastStatusKey = statusKey;
      this.#syncStatus();
    }
    return desired;
  }

  /**
   * A hand-over ended (the announcer's onReleased): log it. The new owner's claim was seen, or
   * the timeout passed without one.
   */
  released(r: Released): void {
    const { ip, ifname } = r.placement;
    const base = { ip, interface: ifname, event: 'withdraw' };
    if (r.by === 'claim') this.#d.log.info({ ...base, handedOverTo: r.mac }, 'stopped announcing');
    else this.#d.log.info({ ...base, handOverTimeout: true }, 'stopped announcing');
  }

  /**
   * Graceful stop (after leaving the membership): stops reconciling and hands every IP that
   * another node now owns over make-before-break (withdrawing the rest at once); resolves when
   * the new owners have claimed them or the hand-over timeout passed.
   */
  async handOverAll(): Promise<void> {
    this.stop();
    const me = this.#d.nodeName;
    const { state } = this.#state(this.#d.members.liveMembers().filter((m) => m !== me));
    const owners = ownersElsewhere(desiredAnnouncements(state, me, this.#ranker), me);
    const diff = this.#d.announcer.apply(new Map(), this.#d.interfaces(), (ip) => owners.has(ip));
    for (const p of diff.removed) {
      this.#d.log.info({ ip: p.ip, interface: p.ifname, event: 'withdraw' }, 'stopped announcing');
    }
    if (diff.releasing.length > 0) {
      this.#d.log.info(
        { ips: [...new Set(diff.releasing.map((p) => p.ip))] },
        'handing over: answering until the new owners claim the IPs',
      );
    }
    await this.#d.announcer.settled();
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
    this.#trigger.enable();
    const hold = this.#d.startHold;
    if (hold !== undefined) {
      this.#holdUntilMs = hold.now() + hold.holdMs;
      // The hold ends by itself: look again then, whatever else happens.
      setTimeout(() => this.requestReconcile(), hold.holdMs).unref();
    }
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
    this.#trigger.disable();
    this.#statusSync.stop();
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

  #state(liveMembers: readonly string[]): { state: SpeakerState; snapshot: ClusterSnapshot } {
    const snapshot = this.#d.cluster.snapshot();
    const nodes = snapshot.nodes.map((n) => ({ metadata: n.metadata ?? {} }));
    const config = toConfigView(snapshot.pools, snapshot.advertisements, nodes);
    const state = buildSpeakerState(snapshot, config, new Set(liveMembers), this.#d.lbClass);
    return { state, snapshot };
  }

  /**
   * Cold start: the IPs of `desired` that a Node never seen in the membership would win if its
   * speaker were up. Until the hold ends they are not announced: at a cold start every speaker
   * comes up within a moment of the others, and announcing before the rightful owner is seen
   * would answer from the wrong node for that moment.
   */
  #heldAtStart(state: SpeakerState, snapshot: ClusterSnapshot, desired: DesiredAnnouncements): Set<string> {
    const hold = this.#d.startHold;
    if (hold === undefined || desired.announcements.size === 0 || hold.now() >= this.#holdUntilMs) {
      return new Set();
    }
    const known = new Set(this.#d.members.knownMembers());
    const unseen = snapshot.nodes.map((n) => n.metadata?.name ?? '').filter((n) => n !== '' && !known.has(n));
    if (unseen.length === 0) return new Set();
    const everyone = { ...state, aliveMembers: new Set([...state.aliveMembers, ...unseen]) };
    const ifAllUp = desiredAnnouncements(everyone, this.#d.nodeName, this.#ranker).announcements;
    const announced = this.#d.announcer.announcedIps;
    return new Set([...desired.announcements.keys()].filter((ip) => !ifAllUp.has(ip) && !announced.has(ip)));
  }

  #desiredStatuses(desired: DesiredAnnouncements, held: ReadonlySet<string>): DesiredL2Status[] {
    return desired.services
      .filter((s) => s.reason === AnnounceReason.announcing && !s.ips.some((ip) => held.has(ip)))
      .map((s) => ({
        serviceNamespace: s.namespace,
        serviceName: s.name,
        interfaces: s.interfaces === 'all' ? [] : s.interfaces,
      }));
  }

  #updateAnnouncedGauge(desired: DesiredAnnouncements, held: ReadonlySet<string>): void {
    const { metrics, nodeName } = this.#d;
    const series = desired.services
      .filter((s) => s.reason === AnnounceReason.announcing)
      .flatMap((s) =>
        s.ips
          .filter((ip) => !held.has(ip))
          .map((ip) => ({ service: `${s.namespace}/${s.name}`, protocol: 'layer2', node: nodeName, ip })),
      );
    metrics.setAnnounced('layer2', series);
  }

  #syncStatus(): void {
    if (this.#d.statusWriter !== undefined && !this.#stopped) this.#statusSync.request();
  }

  /** One ServiceL2Status sync; `nodeAssigned` for each Service that just moved here. */
  async #writeStatus(writer: NonNullable<SpeakerDeps['statusWriter']>): Promise<void> {
    const desired = this.#last === undefined ? [] : this.#desiredStatuses(this.#last, this.#held);
    const created = await writer.sync(desired, new Set(this.#d.members.liveMembers()));
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
  }

  #event(service: ServiceRef, type: 'Normal' | 'Warning', reason: EventReason, message: string): void {
    this.#d.events?.record(subjectOf(service), { type, reason, message });
  }
}

/** IP → owner, for the IPs of `desired` that a node other than `me` owns. */
function ownersElsewhere(desired: DesiredAnnouncements, me: string): Map<string, string> {
  const owners = new Map<string, string>();
  for (const s of desired.services) {
    if (s.owner === undefined || s.owner === me) continue;
    for (const ip of s.ips) owners.set(ip, s.owner);
  }
  return owners;
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
