/**
 * ServiceL2Status bookkeeping as a pure plan: the statuses this node should have (one per Service
 * it announces) against the ones it has (label `metallb.io/node` = this node). Creating one means
 * the Service just moved to this node, which is when `nodeAssigned` is emitted.
 *
 * Beyond MetalLB: a node that died cannot delete its own statuses, so they would name it for
 * ever. The node that now announces a Service also removes that Service's statuses written by
 * nodes that are not live members. Live nodes' statuses are left to them.
 */
import { ServiceL2StatusLabel, type ServiceL2StatusResource } from '../../k8s/metallb-resources.ts';

/** What this node's status for one Service should say. */
export type DesiredL2Status = {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  /** Interface names, only when the advertisements name interfaces (MetalLB). */
  readonly interfaces: readonly string[];
};

/** Which Service a desired status is for; the rest of it is what `body` writes. */
export type ServiceStatusKey = { readonly serviceNamespace: string; readonly serviceName: string };

/** A status object as listed: labels name its node and Service. */
export type ListedStatus = {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: unknown;
};

export type StatusSyncPlan<D extends ServiceStatusKey = DesiredL2Status> = {
  readonly create: readonly D[];
  readonly update: readonly { readonly name: string; readonly status: D }[];
  /** Names of stale statuses (and duplicates) to delete. */
  readonly remove: readonly string[];
};

export function statusBody(node: string, s: DesiredL2Status): ServiceL2StatusResource['status'] {
  return {
    node,
    serviceName: s.serviceName,
    serviceNamespace: s.serviceNamespace,
    ...(s.interfaces.length > 0 ? { interfaces: s.interfaces.map((name) => ({ name })) } : {}),
  };
}

export function planStatusSync(
  node: string,
  desired: readonly DesiredL2Status[],
  existing: readonly ServiceL2StatusResource[],
  liveNodes?: ReadonlySet<string>,
): StatusSyncPlan {
  return planServiceStatusSync(node, desired, existing, statusBody, liveNodes);
}

/**
 * The plan for any per-(Service, node) status kind (ServiceL2Status, ServiceBGPStatus): `body` is
 * what the object's status should be; `liveNodes`, when given, also removes the Service's statuses
 * of nodes that are not live.
 */
export function planServiceStatusSync<D extends ServiceStatusKey>(
  node: string,
  desired: readonly D[],
  existing: readonly ListedStatus[],
  body: (node: string, desired: D) => unknown,
  liveNodes?: ReadonlySet<string>,
): StatusSyncPlan<D> {
  const byService = new Map<string, ListedStatus[]>();
  const deadNodes = new Map<string, string[]>();
  const remove: string[] = [];
  for (const e of existing) {
    const name = e.metadata?.name;
    const labels = e.metadata?.labels ?? {};
    if (name === undefined) continue;
    const key = `${labels[ServiceL2StatusLabel.serviceNamespace]}/${labels[ServiceL2StatusLabel.serviceName]}`;
    const owner = labels[ServiceL2StatusLabel.node];
    if (owner === node) byService.set(key, [...(byService.get(key) ?? []), e]);
    else if (liveNodes !== undefined && (owner === undefined || !liveNodes.has(owner))) {
      deadNodes.set(key, [...(deadNodes.get(key) ?? []), name]);
    }
  }
  const create: D[] = [];
  const update: { name: string; status: D }[] = [];
  const wanted = new Set<string>();
  for (const d of desired) {
    const key = `${d.serviceNamespace}/${d.serviceName}`;
    wanted.add(key);
    const [first, ...duplicates] = byService.get(key) ?? [];
    for (const dup of duplicates) remove.push(dup.metadata!.name!);
    remove.push(...(deadNodes.get(key) ?? []));
    if (first === undefined) {
      create.push(d);
    } else if (canonicalJson(first.status ?? {}) !== canonicalJson(body(node, d))) {
      update.push({ name: first.metadata!.name!, status: d });
    }
  }
  for (const [key, list] of byService) {
    if (!wanted.has(key)) for (const e of list) remove.push(e.metadata!.name!);
  }
  return { create, update, remove };
}

/** JSON with object keys sorted: the API server returns a custom resource's fields sorted by name. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
