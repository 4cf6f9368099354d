import {
  type Allocator,
  type Assignment,
  familyOf,
  type IpamError,
  IpamErrorCode,
  IpFamilyPolicy,
  isIpamError,
  parseIp,
  type ServiceRequest,
} from '@baremetal-lb/ipam';
import type { Service } from '@baremetal-lb/kube';
import { ingressIps, orderByFamilies, poolAnnotation, translateService } from './service-translation.ts';

export const EventReason = {
  ipAllocated: 'IPAllocated',
  allocationFailed: 'AllocationFailed',
  loadBalancerFailed: 'LoadBalancerFailed',
  clearAssignment: 'ClearAssignment',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

export type ServiceEvent = {
  readonly type: 'Normal' | 'Warning';
  readonly reason: EventReason;
  readonly message: string;
};

/** What to do for one Service. The allocator has already been updated. */
export type ServiceDecision = {
  /** Desired status.loadBalancer.ingress IPs; undefined leaves the status alone. */
  readonly ingress: readonly string[] | undefined;
  /** Desired pool annotation; null removes it; undefined leaves it alone. */
  readonly pool: string | null | undefined;
  /** Events to emit now (failures, cleared assignments). */
  readonly events: readonly ServiceEvent[];
  /** Event to emit once the new ingress is written. */
  readonly onWritten: ServiceEvent | undefined;
  /** Waiting for addresses: worth another try when some are released. */
  readonly pending: boolean;
  /** This decision freed addresses. */
  readonly released: boolean;
};

/** ipam failures that are the request's own fault (the user must fix the Service). */
const requestErrors: ReadonlySet<string> = new Set([
  IpamErrorCode.invalidAddress,
  IpamErrorCode.invalidRequest,
  IpamErrorCode.badIpCount,
  IpamErrorCode.wrongFamily,
]);

/** ipam failures that another Service giving up its IP can cure. */
const capacityErrors: ReadonlySet<string> = new Set([
  IpamErrorCode.noAvailableIps,
  IpamErrorCode.sharingConflict,
  IpamErrorCode.portConflict,
]);

const nothing: ServiceDecision = {
  ingress: undefined,
  pool: undefined,
  events: [],
  onWritten: undefined,
  pending: false,
  released: false,
};

/**
 * Why an IPAddressPool that exists is left out of the allocator (overlap, a bad entry), or
 * undefined for a pool that is in use or does not exist.
 */
export type UnusablePoolReason = (pool: string) => string | undefined;

/**
 * Decides what one Service should hold and updates `allocator` accordingly. `service` undefined
 * means it was deleted. Pure apart from the allocator; the caller performs the writes.
 */
export function decideService(
  allocator: Allocator,
  key: string,
  service: Service | undefined,
  lbClass: string | undefined,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  whyUnusable: UnusablePoolReason,
): ServiceDecision {
  if (service === undefined) return { ...nothing, released: allocator.release(key) };
  const translation = translateService(service, lbClass, namespaceLabels);
  switch (translation.kind) {
    case 'ignore':
      return { ...nothing, released: allocator.release(key) };
    case 'release':
      return { ...nothing, ingress: [], pool: null, released: allocator.release(key) };
    case 'invalid':
      return decideInvalid(allocator, key, service, translation.message, translation.restore);
    case 'request':
      return decideRequest(allocator, translation.request, service, whyUnusable);
  }
}

/**
 * An invalid request changes nothing the Service holds: like MetalLB, the current IPs (held, or
 * in status after a restart) are re-assigned first, so nobody else is given them meanwhile; only
 * when that fails (the config no longer allows them) are they cleared.
 */
function decideInvalid(
  allocator: Allocator,
  key: string,
  service: Service,
  message: string,
  restore: ServiceRequest | undefined,
): ServiceDecision {
  const failed = warning(EventReason.loadBalancerFailed, `Invalid request for "${key}": ${message}`);
  const current = allocator.assignmentOf(key)?.ips ?? ingressIps(service);
  if (restore === undefined || current.length === 0) return { ...nothing, events: [failed] };
  try {
    allocator.assign(restore, current);
    return { ...nothing, events: [failed] };
  } catch (error) {
    if (!isIpamError(error)) throw error;
    return {
      ...nothing,
      ingress: [],
      pool: null,
      events: [clearEvent(key, error.message), failed],
      released: allocator.release(key),
    };
  }
}

function decideRequest(
  allocator: Allocator,
  request: ServiceRequest,
  service: Service,
  whyUnusable: UnusablePoolReason,
): ServiceDecision {
  const key = request.key;
  const events: ServiceEvent[] = [];
  const current = ingressIps(service);
  let released = false;
  let held = allocator.assignmentOf(key);

  // Restore: the status is the record of what this Service was given (e.g. before a restart).
  if (held === undefined && current.length > 0) {
    try {
      held = allocator.assign(request, current);
    } catch (error) {
      if (!isIpamError(error)) throw error;
      events.push(clearEvent(key, error.message));
    }
  }

  if (held !== undefined) {
    const why = unsatisfied(allocator, held, request);
    if (why !== undefined) {
      allocator.release(key);
      released = true;
      if (why.byConfig) events.push(clearEvent(key, why.message));
      held = undefined;
    }
  }
  try {
    held = allocator.allocate(request);
  } catch (error) {
    if (!isIpamError(error)) throw error;
    if (held === undefined) {
      const failure = requestErrors.has(error.code)
        ? warning(EventReason.loadBalancerFailed, `Invalid request for "${key}": ${error.message}`)
        : warning(
            EventReason.allocationFailed,
            `Failed to allocate IP for "${key}": ${failureMessage(error, whyUnusable)}`,
          );
      events.push(failure);
      const clear = current.length > 0 || service.metadata.annotations?.[poolAnnotation] !== undefined;
      return {
        ingress: clear ? [] : undefined,
        pool: clear ? null : undefined,
        events,
        onWritten: undefined,
        pending: capacityErrors.has(error.code),
        released,
      };
    }
    // PreferDualStack keeps its one IP when the second family is not available.
  }

  const ingress = orderByFamilies(held.ips, request.ipFamilies ?? []);
  const changed = ingress.length !== current.length || ingress.some((ip, index) => ip !== current[index]);
  return {
    ingress,
    pool: held.pool,
    events,
    onWritten: changed ? normal(EventReason.ipAllocated, `Assigned IP ${quoteIpList(ingress)}`) : undefined,
    pending: false,
    released,
  };
}

/**
 * The allocator knows only the pools it was given, so a pool left out of the configuration reads
 * as "unknown" there; the user should hear that it exists, and why it cannot be used, instead of
 * hunting for a typo in the annotation.
 */
function failureMessage(error: IpamError, whyUnusable: UnusablePoolReason): string {
  const pool = error.details.pool;
  const why = error.code === IpamErrorCode.unknownPool && pool !== undefined ? whyUnusable(pool) : undefined;
  return why === undefined ? error.message : `pool "${pool}" exists but is not usable: ${why}`;
}

/** Why `held` no longer fits `request`, or undefined when it still does. */
function unsatisfied(
  allocator: Allocator,
  held: Assignment,
  request: ServiceRequest,
): { message: string; byConfig: boolean } | undefined {
  const requested = request.requestedIPs ?? [];
  if (requested.length > 0 && !sameSet(requested, held.ips)) {
    return { message: 'the requested IPs changed', byConfig: false };
  }
  if (request.pool !== undefined && request.pool !== held.pool) {
    return { message: `the requested pool "${request.pool}" differs from "${held.pool}"`, byConfig: false };
  }
  const families = request.ipFamilies ?? [];
  const heldFamilies = held.ips.map((ip) => familyOf(parseIp(ip)!));
  const policy = request.ipFamilyPolicy ?? IpFamilyPolicy.singleStack;
  const fits =
    heldFamilies.every((family) => families.includes(family)) &&
    (policy === IpFamilyPolicy.singleStack
      ? heldFamilies.length === 1 && heldFamilies[0] === families[0]
      : policy === IpFamilyPolicy.requireDualStack
        ? heldFamilies.length === 2
        : heldFamilies.length >= 1);
  if (!fits) return { message: `the IP families (${policy}) changed`, byConfig: false };
  // Re-check against the current pools, labels, sharing key and ports; idempotent when valid.
  try {
    allocator.assign(request, held.ips);
  } catch (error) {
    if (!isIpamError(error)) throw error;
    return { message: error.message, byConfig: true };
  }
  return undefined;
}

/** MetalLB formats the list with Go's %q: `["192.0.2.1" "2001:db8::1"]` (space-separated). */
function quoteIpList(ips: readonly string[]): string {
  return `[${ips.map((ip) => JSON.stringify(ip)).join(' ')}]`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((ip) => b.includes(ip));
}

function clearEvent(key: string, why: string): ServiceEvent {
  return normal(
    EventReason.clearAssignment,
    `current IP for "${key}" not allowed by config, clearing: ${why}`,
  );
}

function warning(reason: EventReason, message: string): ServiceEvent {
  return { type: 'Warning', reason, message };
}

function normal(reason: EventReason, message: string): ServiceEvent {
  return { type: 'Normal', reason, message };
}
