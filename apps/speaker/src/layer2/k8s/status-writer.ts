/**
 * Writes this node's ServiceL2Status objects (create, fix, delete stale) following the pure plan,
 * and reports which Services just moved here so `nodeAssigned` is emitted once per move.
 * This node's objects come from a watch (NodeStatusObjects), so a sync costs only its writes; the
 * statuses that nodes outside the membership left are listed when the live set changes (a node
 * outside it writes nothing new) and at most every 30 s otherwise.
 * Failures (API unreachable) are left for the next sync: the speaker never waits on them.
 */
import { ServiceL2StatusLabel, type ServiceL2StatusResource } from '../../k8s/metallb-resources.ts';
import { NodeStatusObjects, type NodeStatusObjectsOptions } from '../../k8s/node-status-objects.ts';
import { type DesiredL2Status, planStatusSync, statusBody } from './plan-status-sync.ts';

type Status = ServiceL2StatusResource['status'];

/** Longest gap between two lists of the statuses of nodes outside the membership, ms. */
const goneNodesRelistMs = 30_000;

export class StatusWriter {
  readonly #objects: NodeStatusObjects<Status>;
  readonly #node: string;
  readonly #now: () => number;
  #goneListed = { live: '', at: Number.NEGATIVE_INFINITY };

  constructor(options: Omit<NodeStatusObjectsOptions, 'plural' | 'kind'>) {
    this.#objects = new NodeStatusObjects<Status>({
      ...options,
      plural: 'servicel2statuses',
      kind: 'ServiceL2Status',
    });
    this.#node = options.node;
    this.#now = () => options.clock.now();
  }

  /**
   * Brings the statuses in line with `desired`; resolves with the Services that gained one.
   * With `liveNodes`, also removes the statuses that nodes outside it left for Services this node
   * now announces.
   */
  async sync(
    desired: readonly DesiredL2Status[],
    liveNodes?: ReadonlySet<string>,
  ): Promise<readonly DesiredL2Status[]> {
    const objects = this.#objects;
    const own = await objects.own();
    const existing = [...own] as ServiceL2StatusResource[];
    if (liveNodes !== undefined && desired.length > 0) {
      // Only the few statuses of nodes that are gone, not every node's.
      const live = [...liveNodes, this.#node].sort().join(',');
      const now = this.#now();
      if (live !== this.#goneListed.live || now - this.#goneListed.at >= goneNodesRelistMs) {
        existing.push(
          ...((await objects.list(
            `${ServiceL2StatusLabel.node} notin (${live})`,
          )) as ServiceL2StatusResource[]),
        );
        this.#goneListed = { live, at: now };
      }
    }
    const plan = planStatusSync(this.#node, desired, existing, liveNodes);
    await objects.apply(plan, own, 'l2-', (d) => statusBody(this.#node, d));
    return plan.create;
  }

  stop(): Promise<void> {
    return this.#objects.stop();
  }
}
