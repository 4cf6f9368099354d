/**
 * The model's own reading of its inputs, written apart from the implementation (normalize-request,
 * pool-validation, address-range, label-selector) so that the model-based test checks them too:
 * a bug shared by model and implementation would otherwise agree with itself. Plain and slow:
 * addresses are enumerated, selectors evaluated literally. Tiny pools only.
 */
import type { IpValue } from './ip-address.ts';
import { IpamError, type IpamErrorCode } from './ipam-error.ts';
// The shape only: the model fills it in by itself (modelReadRequest), never with normalizeRequest.
import type { NormalizedRequest } from './normalize-request.ts';
import type { PoolSpec } from './pool-spec.ts';
import type { IpFamily, ServiceRequest } from './service-request.ts';

/** The model's refusal: the same error type as the allocator's, so outcomes compare by code. */
export const fail = (code: IpamErrorCode): never => {
  throw new IpamError(code, 'model');
};

/** IPv4 as a number, IPv6 as a bigint (the allocator's representation), or undefined. */
export function modelParseIp(text: unknown): IpValue | undefined {
  if (typeof text !== 'string') return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o, i) => o > 255 || (v4[i + 1]!.length > 1 && v4[i + 1]!.startsWith('0'))))
      return undefined;
    return octets.reduce((value, octet) => value * 256 + octet, 0);
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split('::').length > 2) return undefined;
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (all.some((g) => g.length < 1 || g.length > 4)) return undefined;
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

const familyOfValue = (ip: IpValue): IpFamily => (typeof ip === 'number' ? 'IPv4' : 'IPv6');

/** Every address of one `addresses` entry (CIDR or "first-last"), or undefined when it is not one. */
export function modelEnumerateEntry(entry: unknown): IpValue[] | undefined {
  if (typeof entry !== 'string') return undefined;
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr !== null) {
    const base = modelParseIp(cidr[1]);
    const prefix = Number(cidr[2]);
    if (base === undefined) return undefined;
    const bits = typeof base === 'number' ? 32 : 128;
    if (prefix > bits) return undefined;
    const size = 2n ** BigInt(bits - prefix);
    const first = (BigInt(base) / size) * size;
    return span(first, first + size - 1n, typeof base === 'number');
  }
  const range = entry.split('-');
  if (range.length !== 2) return undefined;
  const first = modelParseIp(range[0]!.trim());
  const last = modelParseIp(range[1]!.trim());
  if (first === undefined || last === undefined || typeof first !== typeof last || first > last)
    return undefined;
  return span(BigInt(first), BigInt(last), typeof first === 'number');
}

function span(first: bigint, last: bigint, ipv4: boolean): IpValue[] {
  const out: IpValue[] = [];
  for (let ip = first; ip <= last; ip++) out.push(ipv4 ? Number(ip) : ip);
  return out;
}

type Selector = {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
};

/** Kubernetes label-selector semantics, literally. */
export function modelSelects(
  labels: Readonly<Record<string, string>> | undefined,
  selector: Selector,
): boolean {
  const have = new Map(Object.entries(labels ?? {}));
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => have.get(k) === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const values = e.values ?? [];
    if (e.operator === 'In') return have.has(e.key) && values.includes(have.get(e.key)!);
    if (e.operator === 'NotIn') return !have.has(e.key) || !values.includes(have.get(e.key)!);
    if (e.operator === 'Exists') return have.has(e.key);
    if (e.operator === 'DoesNotExist') return !have.has(e.key);
    return false;
  });
  return pairs && expressions;
}

/**
 * The pool set's addresses, or the code the allocator must refuse it with: a malformed pool
 * (ERR_IPAM_INVALID_POOL, also for a repeated name) before any overlap (ERR_IPAM_POOL_OVERLAP).
 */
export function modelCheckPools(specs: readonly PoolSpec[]): IpValue[][] {
  const addresses = specs.map((spec) => {
    const entries = Array.isArray(spec?.addresses) ? spec.addresses : [];
    const enumerated = entries.map(modelEnumerateEntry);
    const allocation = spec?.serviceAllocation as Record<string, unknown> | undefined;
    const priority = allocation?.priority;
    const wellFormed =
      typeof spec?.name === 'string' &&
      spec.name !== '' &&
      entries.length > 0 &&
      enumerated.every((list) => list !== undefined) &&
      [spec.autoAssign, spec.avoidBuggyIPs].every((b) => b === undefined || typeof b === 'boolean') &&
      (priority === undefined || (Number.isInteger(priority) && (priority as number) >= 0));
    if (!wellFormed) fail('ERR_IPAM_INVALID_POOL');
    return enumerated.flat() as IpValue[];
  });
  if (new Set(specs.map((s) => s.name)).size !== specs.length) fail('ERR_IPAM_INVALID_POOL');
  const seen = new Set<IpValue>();
  for (const ip of addresses.flat()) {
    if (seen.has(ip)) fail('ERR_IPAM_POOL_OVERLAP');
    seen.add(ip);
  }
  return addresses;
}

/** Up to two IPs of different families (MetalLB's loadBalancerIPs rule). */
export function modelRequestedIps(texts: readonly string[]): IpValue[] {
  const ips = texts.map((text) => modelParseIp(text) ?? fail('ERR_IPAM_INVALID_ADDRESS'));
  if (ips.length > 2) fail('ERR_IPAM_BAD_IP_COUNT');
  if (ips.length === 2 && familyOfValue(ips[0]!) === familyOfValue(ips[1]!)) fail('ERR_IPAM_BAD_IP_COUNT');
  return ips;
}

/** The model's reading of a (well-typed) request: the property test generates only those. */
export function modelReadRequest(request: ServiceRequest): NormalizedRequest {
  const policy = request.ipFamilyPolicy ?? 'SingleStack';
  const families = request.ipFamilies ?? ['IPv4'];
  const primary = families[0]!;
  const twoWanted = policy === 'RequireDualStack' || (policy === 'PreferDualStack' && families.length === 2);
  return {
    key: request.key,
    namespace: request.namespace ?? '',
    labels: request.labels,
    namespaceLabels: request.namespaceLabels,
    ports: request.ports ?? [],
    sharingKey: request.sharingKey ?? '',
    backendKey: request.backendKey ?? '',
    policy,
    primary,
    secondary: twoWanted ? (primary === 'IPv4' ? 'IPv6' : 'IPv4') : undefined,
    requested: modelRequestedIps(request.requestedIPs ?? []),
    pool: request.pool === '' ? undefined : request.pool,
  };
}
