/**
 * The BGP mode loop: whenever the cluster caches change, rebuild the BGP view, recompute
 * desiredRoutes for this node and let BgpSessions apply the difference; ServiceBGPStatus objects
 * follow asynchronously. It needs no membership (every eligible node announces) and, like layer
 * 2, keeps its sessions and routes on the last known caches while the API server is away.
 */

import { buildConfiguration } from '@baremetal-lb/config';
import type { EventRecorder } from '@baremetal-lb/kube';
import type { Logger } from 'pino';
import { buildSpeakerState, nodeInternalIps } from '../k8s/build-speaker-state.ts';
import type { ClusterSnapshot } from '../k8s/cluster-cache.ts';
import { bgpPeerVersion, metallbGroup } from '../k8s/metallb-resources.ts';
import { poolLookup } from '../k8s/pool-lookup.ts';
import { SerialSync } from '../k8s/serial-sync.ts';
import { EventReason, nodeAssignedMessage, type ServiceRef, subjectOf } from '../k8s/speaker-events.ts';
import type { AnnouncedLabels } from '../observe/speaker-metrics.ts';
import { ReconcileTrigger } from '../reconcile-trigger.ts';
import type { BgpSessions } from './bgp-sessions.ts';
import { BgpReason, type DesiredRoutes, desiredRoutes } from './desired-routes.ts';
import type { DesiredBgpStatus } from './plan-bgp-status-sync.ts';

export type BgpModeDeps = {
  readonly nodeName: string;
  readonly lbClass: string | undefined;
  readonly log: Logger;
  readonly cluster: { snapshot(): ClusterSnapshot };
  readonly sessions: BgpSessions;
  readonly statusWriter?: {
    sync(desired: readonly DesiredBgpStatus[]): Promise<void>;
    stop?(): Promise<void>;
  };
  readonly metrics?: { setAnnounced(protocol: 'bgp', series: readonly AnnouncedLabels[]): void };
  /** Sends events and logs the ones it could not send. */
  readonly events?: Pick<EventRecorder, 'record'>;
};

export class BgpMode {
  readonly #d: BgpModeDeps;
  readonly #trigger = new ReconcileTrigger(() => this.reconcile());
  #stopped = false;
  #last: DesiredRoutes | undefined;
  /** `namespace/name` of the Services announced after the last reconcile. */
  #announced: ReadonlySet<string> = new Set();
  #statusKey = '';
  #statusSync: SerialSync | undefined;

  constructor(deps: BgpModeDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#trigger.enable();
    this.requestReconcile();
  }

  /** Coalesces bursts of changes into one reconcile on the next turn of the event loop. */
  requestReconcile(): void {
    this.#trigger.request();
  }

  reconcile(): DesiredRoutes {
    const snapshot = this.#d.cluster.snapshot();
    const nodes = snapshot.nodes.map((n) => ({ metadata: n.metadata ?? {} }));
    const config = buildConfiguration({
      pools: snapshot.pools,
      bgpPeers: snapshot.bgpPeers,
      bgpAdvertisements: snapshot.bgpAdvertisements,
      communities: snapshot.communities,
      bfdProfiles: snapshot.bfdProfiles,
      secrets: snapshot.secrets,
      nodes,
    });
    const view = buildSpeakerState(
      snapshot,
      { advertisements: [], poolOf: poolLookup(config.pools) },
      new Set(),
      this.#d.lbClass,
    );
    const desired = desiredRoutes(
      {
        nodes: view.nodes,
        services: view.services,
        peers: config.bgpPeers,
        advertisements: config.bgpAdvertisements,
      },
      this.#d.nodeName,
    );
    this.#d.sessions.apply(desired);
    this.#last = desired;
    this.#publishAnnounced(desired, snapshot);
    const statusKey = JSON.stringify(desiredStatuses(desired));
    if (statusKey !== this.#statusKey) {
      this.#statusKey = statusKey;
      this.#syncStatus();
    }
    return desired;
  }

  /** A problem with a BGPPeer on this node: a Warning event on the BGPPeer (BgpSessions' onProblem). */
  reportPeerProblem(peer: string, message: string): void {
    const object = this.#d.cluster.snapshot().bgpPeers.find((p) => p.metadata.name === peer);
    const namespace = object?.metadata.namespace;
    if (object === undefined || namespace === undefined) return;
    this.#event(
      {
        namespace,
        name: peer,
        uid: object.metadata.uid,
        kind: { apiVersion: `${metallbGroup}/${bgpPeerVersion}`, kind: 'BGPPeer' },
      },
      'Warning',
      EventReason.bgpPeerProblem,
      `node "${this.#d.nodeName}": ${message}`,
    );
  }

  /**
   * metallb_speaker_announced (protocol "bgp") and a `nodeAssigned` event on each Service this
   * node starts announcing (once, not on every reconcile).
   */
  #publishAnnounced(desired: DesiredRoutes, snapshot: ClusterSnapshot): void {
    const node = this.#d.nodeName;
    const announced = desired.services.filter((s) => s.reason === BgpReason.announcing);
    const now = new Set(announced.map((s) => `${s.namespace}/${s.name}`));
    const byKey = new Map(
      snapshot.services.map((s) => [
        `${s.metadata?.namespace}/${s.metadata?.name}`,
        {
          uid: s.metadata?.uid,
          ips: (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])),
        },
      ]),
    );
    this.#d.metrics?.setAnnounced(
      'bgp',
      [...now].flatMap((service) =>
        (byKey.get(service)?.ips ?? []).map((ip) => ({ service, protocol: 'bgp', node, ip })),
      ),
    );
    for (const key of now) {
      if (this.#announced.has(key)) continue;
      const [namespace, name] = key.split('/') as [string, string];
      this.#event(
        { namespace, name, uid: byKey.get(key)?.uid },
        'Normal',
        EventReason.nodeAssigned,
        nodeAssignedMessage(node, 'bgp'),
      );
    }
    this.#announced = now;
  }

  #event(ref: ServiceRef, type: 'Normal' | 'Warning', reason: EventReason, message: string): void {
    this.#d.events?.record(subjectOf(ref), { type, reason, message });
  }

  /** This node's InternalIPs, from its Node object (router ID and next-hop fallbacks). */
  static nodeAddresses(cluster: { snapshot(): ClusterSnapshot }, nodeName: string): readonly string[] {
    const node = cluster.snapshot().nodes.find((n) => n.metadata?.name === nodeName);
    return node === undefined ? [] : nodeInternalIps(node);
  }

  /** SIGTERM: stop reconciling, withdraw (or hand to graceful restart) and close every session. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#trigger.disable();
    this.#statusSync?.stop();
    await Promise.all([this.#d.sessions.shutdown(), this.#d.statusWriter?.stop?.()]);
  }

  #syncStatus(): void {
    const writer = this.#d.statusWriter;
    if (writer === undefined || this.#stopped) return;
    this.#statusSync ??= new SerialSync(
      () => writer.sync(this.#last === undefined ? [] : desiredStatuses(this.#last)),
      (error, retryMs) => this.#d.log.debug({ err: String(error), retryMs }, 'ServiceBGPStatus sync failed'),
    );
    this.#statusSync.request();
  }
}

/** One status per announced Service, naming the peers that carry it (MetalLB). */
function desiredStatuses(desired: DesiredRoutes): DesiredBgpStatus[] {
  return desired.services
    .filter((s) => s.reason === BgpReason.announcing && s.peers.length > 0)
    .map((s) => ({ serviceNamespace: s.namespace, serviceName: s.name, peers: s.peers }));
}
