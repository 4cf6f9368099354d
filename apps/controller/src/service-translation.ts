import {
  familyOf,
  IpFamily,
  IpFamilyPolicy,
  normalizeIp,
  type PortProtocol,
  parseIp,
  type ServicePort,
  type ServiceRequest,
} from '@baremetal-lb/ipam';
import type { Service } from '@baremetal-lb/kube';

/** Current annotation prefix; the deprecated one is still read (the current one wins). */
export const annotationPrefix = 'metallb.io/';
export const deprecatedAnnotationPrefix = 'metallb.universe.tf/';

export const AnnotationName = {
  addressPool: 'address-pool',
  loadBalancerIPs: 'loadBalancerIPs',
  allowSharedIp: 'allow-shared-ip',
  ipAllocatedFromPool: 'ip-allocated-from-pool',
} as const;
export type AnnotationName = (typeof AnnotationName)[keyof typeof AnnotationName];

/** The annotation the controller writes with the status. */
export const poolAnnotation = `${annotationPrefix}${AnnotationName.ipAllocatedFromPool}`;

/** What a Service asks of the controller. */
export type ServiceTranslation =
  /** Not for this controller (another loadBalancerClass): touch nothing. */
  | { readonly kind: 'ignore' }
  /** Holds no IP from us any more (not a LoadBalancer, or no cluster IP yet). */
  | { readonly kind: 'release'; readonly reason: 'notLoadBalancer' | 'noClusterIP' }
  /**
   * A malformed request (annotation or field); the message says which and why. `restore`, when
   * set, is the request without the malformed part (the requested IPs): enough to keep holding the
   * IPs the Service already has, as MetalLB re-assigns them before it looks at the request.
   */
  | { readonly kind: 'invalid'; readonly message: string; readonly restore?: ServiceRequest }
  | { readonly kind: 'request'; readonly request: ServiceRequest };

/** Reads `metallb.io/NAME`, falling back to `metallb.universe.tf/NAME`. */
export function readAnnotation(service: Service, name: AnnotationName): string | undefined {
  const annotations = service.metadata.annotations;
  if (!annotations) return undefined;
  return annotations[annotationPrefix + name] ?? annotations[deprecatedAnnotationPrefix + name];
}

const protocols: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);
const policies: ReadonlySet<string> = new Set(Object.values(IpFamilyPolicy));

/**
 * Translates a Service into an allocation request for `@baremetal-lb/ipam`, or says why there is
 * none. `lbClass` undefined: only Services without spec.loadBalancerClass are ours.
 */
export function translateService(
  service: Service,
  lbClass: string | undefined,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): ServiceTranslation {
  const spec = service.spec ?? {};
  // Type first: leaving LoadBalancer makes the API server drop spec.loadBalancerClass, and our
  // status and annotation must still be cleared (a no-op for Services we never served).
  if (spec.type !== 'LoadBalancer') return { kind: 'release', reason: 'notLoadBalancer' };
  // An empty class (flag or field) is no class, as in MetalLB's flag handling.
  if ((spec.loadBalancerClass || undefined) !== (lbClass || undefined)) return { kind: 'ignore' };

  const families = serviceFamilies(service);
  if (families.length === 0) return { kind: 'release', reason: 'noClusterIP' };

  const policyText = spec.ipFamilyPolicy ?? IpFamilyPolicy.singleStack;
  if (!policies.has(policyText)) return invalid(`spec.ipFamilyPolicy "${policyText}" is not supported`);

  const requested = requestedIps(service);

  const ports: ServicePort[] = [];
  for (const port of spec.ports ?? []) {
    const protocol = port.protocol ?? 'TCP';
    if (!protocols.has(protocol)) return invalid(`port ${port.port} has unsupported protocol "${protocol}"`);
    ports.push({ protocol: protocol as PortProtocol, port: port.port });
  }

  const namespace = service.metadata.namespace ?? '';
  const sharingKey = readAnnotation(service, AnnotationName.allowSharedIp);
  const pool = readAnnotation(service, AnnotationName.addressPool);
  const request: ServiceRequest = {
    key: `${namespace}/${service.metadata.name}`,
    namespace,
    labels: service.metadata.labels ?? {},
    namespaceLabels: namespaceLabels ?? {},
    ports,
    backendKey: backendKey(service),
    ipFamilyPolicy: policyText as IpFamilyPolicy,
    ipFamilies: families,
    ...(sharingKey ? { sharingKey } : {}),
    ...(pool ? { pool } : {}),
  };
  if (typeof requested === 'string') return { kind: 'invalid', message: requested, restore: request };
  if (requested.length > 0) return { kind: 'request', request: { ...request, requestedIPs: requested } };
  return { kind: 'request', request };
}

function invalid(message: string): ServiceTranslation {
  return { kind: 'invalid', message };
}

/**
 * The Service's IP families, primary first: spec.ipFamilies when the API server set it, else
 * the families of spec.clusterIPs (fallback spec.clusterIP). Empty while no cluster IP exists.
 */
export function serviceFamilies(service: Service): IpFamily[] {
  const spec = service.spec ?? {};
  const clusterIps = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const fromIps: IpFamily[] = [];
  for (const text of clusterIps) {
    const value = parseIp(text);
    if (value === undefined) continue;
    const family = familyOf(value);
    if (!fromIps.includes(family)) fromIps.push(family);
  }
  if (fromIps.length === 0) return [];
  const declared = (spec.ipFamilies ?? []).filter(
    (f): f is IpFamily => f === IpFamily.ipv4 || f === IpFamily.ipv6,
  );
  const ordered = declared.filter((family) => fromIps.includes(family));
  return ordered.length === fromIps.length ? ordered : fromIps;
}

/** Canonical requested IPs, or an error message. Count and families are the allocator's checks. */
function requestedIps(service: Service): string[] | string {
  const annotation = readAnnotation(service, AnnotationName.loadBalancerIPs);
  const field = service.spec?.loadBalancerIP ?? '';
  if (annotation !== undefined && annotation.trim() !== '' && field !== '') {
    return `service can not have both the ${annotationPrefix}${AnnotationName.loadBalancerIPs} annotation and spec.loadBalancerIP`;
  }
  if (annotation === undefined || annotation.trim() === '') {
    if (field === '') return [];
    // The field holds exactly one IP (MetalLB parses it whole); only the annotation takes a list.
    const ip = normalizeIp(field.trim());
    return ip === undefined ? `invalid spec.loadBalancerIP "${field}"` : [ip];
  }
  const source = annotation;
  const name = `${annotationPrefix}${AnnotationName.loadBalancerIPs}`;
  const ips: string[] = [];
  for (const part of source.split(',')) {
    const ip = normalizeIp(part.trim());
    if (ip === undefined) return `invalid IP "${part.trim()}" in ${name} "${source}"`;
    ips.push(ip);
  }
  return ips;
}

/**
 * Services may share an IP only with equal backend keys: '' for externalTrafficPolicy Cluster;
 * for Local, the canonical pod selector (traffic must reach the same pods on the announcing node).
 */
export function backendKey(service: Service): string {
  if (service.spec?.externalTrafficPolicy !== 'Local') return '';
  const selector = service.spec.selector ?? {};
  const pairs = Object.keys(selector)
    .sort()
    .map((key) => `${key}=${selector[key]}`);
  return `Local:${pairs.join(',')}`;
}

/** The IPs in status.loadBalancer.ingress, canonical, in order (hostnames and junk skipped). */
export function ingressIps(service: Service): string[] {
  const ips: string[] = [];
  for (const entry of service.status?.loadBalancer?.ingress ?? []) {
    const ip = entry.ip === undefined ? undefined : normalizeIp(entry.ip);
    if (ip !== undefined && !ips.includes(ip)) ips.push(ip);
  }
  return ips;
}

/** Orders IPs by the Service's family order (primary family first). */
export function orderByFamilies(ips: readonly string[], families: readonly IpFamily[]): string[] {
  const rank = (ip: string) => {
    const value = parseIp(ip);
    const index = value === undefined ? -1 : families.indexOf(familyOf(value));
    return index === -1 ? families.length : index;
  };
  return [...ips].sort((a, b) => rank(a) - rank(b));
}
