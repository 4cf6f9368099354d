import {
  buildStatusConditions,
  type ConfigProblem,
  configProblemReason,
  MetallbResource,
  metallbGroup,
} from '@baremetal-lb/config';
import type { Condition, EventInput, EventSubject, KubeObject } from '@baremetal-lb/kube';

/**
 * The metallb.io kinds whose configuration problems the controller writes to status, besides
 * IPAddressPool (whose status also carries the allocator's counters).
 */
export const statusKinds = [
  'L2Advertisement',
  'BGPPeer',
  'BGPAdvertisement',
  'Community',
  'BFDProfile',
] as const;
export type StatusKind = (typeof statusKinds)[number];
export type ConfigKind = StatusKind | 'IPAddressPool';

/** A metallb.io object as the controller reads it (the spec is @baremetal-lb/config's business). */
export type ConfigObject = KubeObject & {
  readonly spec?: unknown;
  readonly status?: { readonly conditions?: readonly Condition[] };
};

/** BGPPeer is served as v1beta2 only (deploy/crds); the other kinds as v1beta1. */
export function configApiVersion(kind: ConfigKind): string {
  return `${metallbGroup}/${kind === 'BGPPeer' ? 'v1beta2' : 'v1beta1'}`;
}

/** The collection path of `kind` in `namespace`. */
export function configPath(kind: ConfigKind, namespace: string): string {
  return `/apis/${configApiVersion(kind)}/namespaces/${namespace}/${MetallbResource[kind]}`;
}

/**
 * The object's conditions with `Valid` from its problems (other condition types are kept; an
 * unchanged status keeps its transition time).
 */
export function desiredConditions(
  object: ConfigObject,
  problems: readonly ConfigProblem[],
  nowIso: string,
): Condition[] {
  return buildStatusConditions(problems, {
    now: nowIso,
    ...(object.metadata.generation === undefined ? {} : { observedGeneration: object.metadata.generation }),
    ...(object.status?.conditions ? { previous: object.status.conditions } : {}),
  });
}

/** Whether two condition lists say the same, field by field. */
export function conditionsEqual(
  current: readonly Condition[] | undefined,
  desired: readonly Condition[] | undefined,
): boolean {
  const a = current ?? [];
  const b = desired ?? [];
  return (
    a.length === b.length &&
    a.every((condition, index) => {
      const other = b[index]!;
      return (
        condition.type === other.type &&
        condition.status === other.status &&
        condition.reason === other.reason &&
        condition.message === other.message &&
        condition.lastTransitionTime === other.lastTransitionTime &&
        condition.observedGeneration === other.observedGeneration
      );
    })
  );
}

/** One status write the controller owes an object: only where the conditions differ. */
export type ConditionWrite = {
  readonly kind: StatusKind;
  readonly object: ConfigObject;
  readonly conditions: readonly Condition[];
  readonly problems: readonly ConfigProblem[];
};

/**
 * The writes that bring every object's `Valid` condition in line with its problems
 * (`problems` keyed by `Kind/name`, as problemsByObject groups them).
 */
export function planConditionWrites(
  objects: ReadonlyMap<StatusKind, readonly ConfigObject[]>,
  problems: ReadonlyMap<string, readonly ConfigProblem[]>,
  nowIso: string,
): ConditionWrite[] {
  const writes: ConditionWrite[] = [];
  for (const [kind, list] of objects) {
    for (const object of list) {
      const own = problems.get(`${kind}/${object.metadata.name}`) ?? [];
      const conditions = desiredConditions(object, own, nowIso);
      if (!conditionsEqual(object.status?.conditions, conditions))
        writes.push({ kind, object, conditions, problems: own });
    }
  }
  return writes;
}

/** The object an event about `object` names. */
export function configSubject(kind: ConfigKind, object: ConfigObject): EventSubject {
  return {
    apiVersion: configApiVersion(kind),
    kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    uid: object.metadata.uid,
  };
}

/**
 * The Warning event for an object's problems (undefined when it has none): the first error's
 * reason (else the first warning's) and every message, as the condition says them.
 */
export function problemEvent(problems: readonly ConfigProblem[]): EventInput | undefined {
  const first = problems.find((problem) => problem.severity === 'error') ?? problems[0];
  if (first === undefined) return undefined;
  return {
    type: 'Warning',
    reason: configProblemReason[first.code],
    message: problems.map((problem) => problem.message).join('; '),
  };
}
