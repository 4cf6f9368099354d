/**
 * Wires BGP mode for the speaker process: real TCP sessions, the BFD worker thread (started with
 * the first peer that names a BFDProfile), metrics on the speaker's registry, ServiceBGPStatus
 * writes and events. Starts reconciling at once: it needs no membership, only the caches.
 */
import { BfdWorker } from '@baremetal-lb/bfd';
import { createTcpTransport } from '@baremetal-lb/bgp';
import { type EventRecorder, type KubeClient, systemClock, type WatchClient } from '@baremetal-lb/kube';
import type { Logger } from 'pino';
import type { ClusterSnapshot } from '../k8s/cluster-cache.ts';
import type { SpeakerMetrics } from '../observe/speaker-metrics.ts';
import { BgpMetrics } from './bgp-metrics.ts';
import { BgpMode } from './bgp-mode.ts';
import { BgpSessions } from './bgp-sessions.ts';
import { BgpStatusWriter } from './bgp-status-writer.ts';

export type BgpModeContext = {
  readonly nodeName: string;
  readonly namespace: string;
  readonly lbClass: string | undefined;
  readonly client: KubeClient & WatchClient;
  readonly cluster: { snapshot(): ClusterSnapshot };
  /** This node's Node UID (the owner of its status objects), undefined while unknown. */
  readonly nodeUid: () => string | undefined;
  readonly metrics: SpeakerMetrics;
  readonly events: EventRecorder;
  readonly log: Logger;
};

export function startBgpMode(c: BgpModeContext): BgpMode {
  let bgp: BgpMode | undefined;
  const sessions: BgpSessions = new BgpSessions({
    nodeName: c.nodeName,
    nodeAddresses: () => BgpMode.nodeAddresses(c.cluster, c.nodeName),
    transport: createTcpTransport(),
    startBfd: () => BfdWorker.start(),
    log: c.log,
    metrics: new BgpMetrics(c.metrics.registry, () => sessions.samples()),
    onProblem: (peer, message) => bgp?.reportPeerProblem(peer, message),
  });
  bgp = new BgpMode({
    nodeName: c.nodeName,
    lbClass: c.lbClass,
    log: c.log,
    cluster: c.cluster,
    sessions,
    statusWriter: new BgpStatusWriter({
      client: c.client,
      namespace: c.namespace,
      node: c.nodeName,
      nodeUid: c.nodeUid,
      clock: systemClock,
    }),
    metrics: c.metrics,
    events: c.events,
  });
  bgp.start();
  return bgp;
}
