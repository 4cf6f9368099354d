/**
 * The speaker's Kubernetes Events: on Services, `nodeAssigned` (Normal) when a Service moves to
 * this node (layer 2) or starts being announced from it (BGP) and `IPConflict` (Warning) when
 * another host answers for its IP (MetalLB's reasons); on BGPPeers, `BGPPeerProblem` (Warning)
 * when this node cannot run or establish the session. Each is emitted once per change, so every
 * one is sent.
 */
import {
  apiEventSink,
  type Clock,
  EventRecorder,
  type EventSubject,
  type KubeClient,
  type Logger,
} from '@baremetal-lb/kube';

export const EventReason = {
  nodeAssigned: 'nodeAssigned',
  ipConflict: 'IPConflict',
  bgpPeerProblem: 'BGPPeerProblem',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

export type ServiceRef = {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
  /** Another kind than a core/v1 Service (a metallb.io BGPPeer). */
  readonly kind?: { readonly apiVersion: string; readonly kind: string };
};

/** What the event is about: a core/v1 Service unless `kind` says otherwise. */
export function subjectOf(ref: ServiceRef): EventSubject {
  const { kind, ...named } = ref;
  return { ...(kind ?? { apiVersion: 'v1', kind: 'Service' }), ...named };
}

/** The component name MetalLB's speaker reports. */
const reportingController = 'metallb-speaker';

export function createSpeakerEvents(options: {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly node: string;
  readonly log: Logger;
}): EventRecorder {
  return new EventRecorder({
    sink: apiEventSink(options.client),
    clock: options.clock,
    reportingController,
    reportingInstance: options.node,
    defaultAction: 'Announce',
    suppressRepeats: false,
    log: options.log,
  });
}

export function nodeAssignedMessage(node: string, protocol: 'layer2' | 'bgp' = 'layer2'): string {
  return `announcing from node "${node}" with protocol "${protocol}"`;
}

export function ipConflictMessage(node: string, ip: string, mac: string, ifname: string): string {
  return `IP "${ip}" announced from node "${node}" is also claimed by MAC ${mac} (seen on interface "${ifname}")`;
}
