/** Checks a ServiceRequest and fills defaults, so the allocator works on complete, trusted data. */
import { describeValue } from './describe-value.ts';
import { formatIp, type IpValue, parseIp } from './ip-address.ts';
import { IpamError, IpamErrorCode } from './ipam-error.ts';
import type { Labels } from './label-selector.ts';
import type { IpFamily, IpFamilyPolicy, ServicePort, ServiceRequest } from './service-request.ts';

export interface NormalizedRequest {
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels | undefined;
  readonly namespaceLabels: Labels | undefined;
  readonly ports: readonly ServicePort[];
  readonly sharingKey: string;
  readonly backendKey: string;
  readonly policy: IpFamilyPolicy;
  readonly primary: IpFamily;
  /** The second family when the service wants two IPs (Require/PreferDualStack with two families). */
  readonly secondary: IpFamily | undefined;
  readonly requested: readonly IpValue[];
  readonly pool: string | undefined;
}

const POLICIES: ReadonlySet<string> = new Set(['SingleStack', 'PreferDualStack', 'RequireDualStack']);
const PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);
const EMPTY: readonly never[] = [];

export function normalizeRequest(request: ServiceRequest): NormalizedRequest {
  const invalid = (message: string) =>
    new IpamError(
      IpamErrorCode.invalidRequest,
      message,
      typeof request?.key === 'string' ? { serviceKey: request.key } : {},
    );
  if (request === null || typeof request !== 'object') throw invalid('service request is not an object');
  const key = request.key;
  if (typeof key !== 'string' || key === '') throw invalid('service request has no key');
  const policy = request.ipFamilyPolicy ?? 'SingleStack';
  if (!POLICIES.has(policy))
    throw invalid(`service "${key}": unknown ipFamilyPolicy "${describeValue(policy)}"`);
  const families = request.ipFamilies ?? ['IPv4'];
  if (
    !Array.isArray(families) ||
    families.length < 1 ||
    families.length > 2 ||
    families.some((f) => f !== 'IPv4' && f !== 'IPv6') ||
    families[0] === families[1]
  ) {
    throw invalid(`service "${key}": ipFamilies must be one or two distinct families of IPv4, IPv6`);
  }
  const primary = families[0] as IpFamily;
  const other: IpFamily = primary === 'IPv4' ? 'IPv6' : 'IPv4';
  // RequireDualStack always wants both families; PreferDualStack only when the service has both
  // (a single-stack cluster gives it one family, and MetalLB then treats it as single-stack).
  const secondary =
    policy === 'RequireDualStack' || (policy === 'PreferDualStack' && families.length === 2)
      ? other
      : undefined;
  const ports = request.ports ?? EMPTY;
  if (!Array.isArray(ports)) throw invalid(`service "${key}": ports is not a list`);
  for (const port of ports) {
    if (
      !PROTOCOLS.has(port?.protocol) ||
      !Number.isInteger(port.port) ||
      port.port < 0 ||
      port.port > 65535
    ) {
      throw invalid(
        `service "${key}": invalid port (protocol ${describeValue(port?.protocol)}, port ${describeValue(port?.port)})`,
      );
    }
  }
  const { sharingKey, backendKey, namespace, pool } = request;
  if (!optionalString(sharingKey)) throw invalid(`service "${key}": sharingKey is not a string`);
  if (!optionalString(backendKey)) throw invalid(`service "${key}": backendKey is not a string`);
  if (!optionalString(namespace)) throw invalid(`service "${key}": namespace is not a string`);
  if (!optionalString(pool)) throw invalid(`service "${key}": pool is not a string`);
  return {
    key,
    namespace: namespace ?? '',
    labels: request.labels,
    namespaceLabels: request.namespaceLabels,
    ports,
    sharingKey: sharingKey ?? '',
    backendKey: backendKey ?? '',
    policy,
    primary,
    secondary,
    requested: request.requestedIPs === undefined ? EMPTY : parseRequestedIps(key, request.requestedIPs),
    pool: pool === '' ? undefined : pool,
  };
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/** Parses up to two IPs of different families (MetalLB's loadBalancerIPs rule). */
export function parseRequestedIps(key: string, texts: readonly string[]): readonly IpValue[] {
  if (!Array.isArray(texts)) {
    throw new IpamError(IpamErrorCode.invalidRequest, `service "${key}": requested IPs is not a list`, {
      serviceKey: key,
    });
  }
  const ips: IpValue[] = [];
  for (const text of texts) {
    const ip = parseIp(text);
    if (ip === undefined) {
      throw new IpamError(
        IpamErrorCode.invalidAddress,
        `service "${key}": requested IP "${describeValue(text)}" is not an IP address`,
        {
          serviceKey: key,
        },
      );
    }
    ips.push(ip);
  }
  if (ips.length > 2) {
    throw new IpamError(
      IpamErrorCode.badIpCount,
      `service "${key}": at most two IPs may be requested, got ${ips.length}`,
      {
        serviceKey: key,
      },
    );
  }
  const [a, b] = ips;
  if (a !== undefined && b !== undefined && typeof a === typeof b) {
    throw new IpamError(
      IpamErrorCode.badIpCount,
      `service "${key}": requested IPs "${formatIp(a)}" and "${formatIp(b)}" are of the same family`,
      { serviceKey: key },
    );
  }
  return ips;
}
