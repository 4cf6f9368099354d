/**
 * Kubernetes Events on Services: `nodeAssigned` (Normal) when a Service moves to this node (layer
 * 2) or starts being announced from it (BGP) and `IPConflict` (Warning) when another host answers
 * for its IP; on BGPPeers, `BGPPeerProblem` (Warning) when this node cannot run or establish the
 * session. Best effort: a failed write is
 * logged by the caller and not retried (events are hints, the metrics are the record).
 */
import type { KubeClient } from '@baremetal-lb/kube';

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

const component = 'metallb-speaker';

export class EventRecorder {
  readonly #api: KubeClient;
  readonly #node: string;

  constructor(api: KubeClient, node: string) {
    this.#api = api;
    this.#node = node;
  }

  async record(
    service: ServiceRef,
    type: 'Normal' | 'Warning',
    reason: EventReason,
    message: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.#api.request('POST', `/api/v1/namespaces/${service.namespace}/events`, {
      body: {
        metadata: { generateName: `${service.name}.`, namespace: service.namespace },
        involvedObject: {
          ...(service.kind ?? { apiVersion: 'v1', kind: 'Service' }),
          namespace: service.namespace,
          name: service.name,
          ...(service.uid === undefined ? {} : { uid: service.uid }),
        },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component, host: this.#node },
        reportingComponent: component,
        reportingInstance: this.#node,
      },
    });
  }
}

export function nodeAssignedMessage(node: string, protocol: 'layer2' | 'bgp' = 'layer2'): string {
  return `announcing from node "${node}" with protocol "${protocol}"`;
}

export function ipConflictMessage(node: string, ip: string, mac: string, ifname: string): string {
  return `IP "${ip}" announced from node "${node}" is also claimed by MAC ${mac} (seen on interface "${ifname}")`;
}
