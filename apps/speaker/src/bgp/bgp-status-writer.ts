/**
 * Writes this node's ServiceBGPStatus objects (create, fix, delete stale) following the pure plan;
 * this node's objects come from a watch (NodeStatusObjects), so a sync costs only its writes.
 * Failures (API unreachable) are left for the next sync: the sessions never wait on them.
 */
import { type ServiceBGPStatus, serviceBGPStatusGenerateName } from '@baremetal-lb/config';
import { NodeStatusObjects, type NodeStatusObjectsOptions } from '../k8s/node-status-objects.ts';
import { bgpStatusBody, type DesiredBgpStatus, planBgpStatusSync } from './plan-bgp-status-sync.ts';

type Status = ServiceBGPStatus['status'];

export class BgpStatusWriter {
  readonly #objects: NodeStatusObjects<Status>;
  readonly #node: string;

  constructor(options: Omit<NodeStatusObjectsOptions, 'plural' | 'kind'>) {
    this.#objects = new NodeStatusObjects<Status>({
      ...options,
      plural: 'servicebgpstatuses',
      kind: 'ServiceBGPStatus',
    });
    this.#node = options.node;
  }

  async sync(desired: readonly DesiredBgpStatus[]): Promise<void> {
    const objects = this.#objects;
    const own = await objects.own();
    const plan = planBgpStatusSync(this.#node, desired, own as ServiceBGPStatus[]);
    await objects.apply(plan, own, serviceBGPStatusGenerateName, (d) => bgpStatusBody(this.#node, d));
  }

  stop(): Promise<void> {
    return this.#objects.stop();
  }
}
