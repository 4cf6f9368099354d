/**
 * BGPPeer objects → session settings. Each peer is checked alone with MetalLB's parser rules
 * (the CRD's CEL rules again, for objects that did not pass through this CRD): a peer that breaks
 * one is left out. What a CRD cannot see is a warning and the peer stays: a BFDProfile that does
 * not exist (the session runs without BFD until it does) and a password Secret that is missing or
 * unusable (`authentication.kind` is `unavailable`: the speaker must not open that session).
 * Conflicts between peers on one node are settled by settlePeerNodeConflicts.
 */
import { type LabelSelector, normalizeIp, parseIp } from '@baremetal-lb/ipam';
import type { SecretLike } from './bgp-resources.ts';
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { LabeledObject } from './metallb-resources.ts';
import { nameObjects } from './name-objects.ts';
import { type NodeView, selectNodes, toNodeViews } from './node-views.ts';
import { type ObjectReporter, objectReporter } from './object-reporter.ts';
import { parseDurationMs } from './parse-duration.ts';
import {
  isRecord,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalString,
  readSelectorList,
  specOf,
} from './read-fields.ts';
import type { ResolvedBfdProfile } from './resolve-bfd-profiles.ts';

export type PeerAuthentication =
  | { readonly kind: 'none' }
  /** TCP MD5 (RFC 2385), from spec.password or the Secret. */
  | { readonly kind: 'password'; readonly password: string }
  /** passwordSecret is set but cannot be used (missing, wrong type, no key, or Secrets not given). */
  | { readonly kind: 'unavailable'; readonly reason: string };

export type ResolvedBgpPeer = {
  readonly name: string;
  readonly myASN: number;
  readonly peerASN?: number;
  readonly dynamicASN?: 'internal' | 'external';
  readonly localASN?: number;
  /** iBGP: peerASN equals myASN, or dynamicASN is `internal`. */
  readonly internal: boolean;
  /** Canonical text form. Exactly one of peerAddress and interface is set. */
  readonly peerAddress?: string;
  readonly interface?: string;
  readonly sourceAddress?: string;
  readonly peerPort: number;
  /** MetalLB's defaults: neither set → 90 s and 30 s; one set → the other is 3 times or a third of it. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectTimeMs?: number;
  readonly routerID?: string;
  readonly nodeSelectors: readonly LabelSelector[];
  /** The given nodes that run this session, sorted (after settlePeerNodeConflicts). */
  readonly nodes: readonly string[];
  readonly authentication: PeerAuthentication;
  /** spec.bfdProfile; `bfd` is its resolved profile, undefined while it does not exist. */
  readonly bfdProfileName?: string;
  readonly bfd?: ResolvedBfdProfile;
  readonly ebgpMultiHop: boolean;
  /** '' is the default VRF. */
  readonly vrf: string;
  readonly enableGracefulRestart: boolean;
  readonly dualStackAddressFamily: boolean;
};

export type PeerContext = {
  readonly bfdProfiles: ReadonlyMap<string, ResolvedBfdProfile>;
  /** Undefined: Secrets were not read (the controller), so passwordSecret is not resolved. */
  readonly secrets: readonly SecretLike[] | undefined;
  readonly nodes: readonly LabeledObject[];
};

const kind = 'BGPPeer';
const asn = { min: 1, max: 0xffffffff };
const defaultHoldMs = 90_000;

function readDuration(value: unknown, field: string, reporter: ObjectReporter): number | undefined {
  const text = readOptionalString(value, field, reporter.report);
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  if (ms === undefined) reporter.report(field, `${field} "${text}" is not a duration such as 90s or 1m30s`);
  return ms;
}

function readAddress(value: unknown, field: string, reporter: ObjectReporter): string | undefined {
  const text = readOptionalString(value, field, reporter.report);
  if (text === undefined) return undefined;
  const normalized = normalizeIp(text);
  if (normalized === undefined)
    reporter.problem(
      'error',
      ConfigProblemCode.invalidBgpPeer,
      field,
      `${field} "${text}" is not an IP address`,
    );
  return normalized;
}

/** RFC 4271 section 4.2: a hold time of 0 or at least 3 s; keepalive defaults to a third of it. */
function readTimers(
  spec: Readonly<Record<string, unknown>>,
  reporter: ObjectReporter,
): { holdTimeMs: number; keepaliveTimeMs: number } {
  const hold = readDuration(spec.holdTime, 'spec.holdTime', reporter);
  const keepalive = readDuration(spec.keepaliveTime, 'spec.keepaliveTime', reporter);
  if (hold !== undefined && hold !== 0 && hold < 3000)
    reporter.problem(
      'error',
      ConfigProblemCode.invalidBgpPeer,
      'spec.holdTime',
      'holdTime must be 0 or at least 3s',
    );
  if (hold !== undefined && keepalive !== undefined && keepalive > hold)
    reporter.problem(
      'error',
      ConfigProblemCode.invalidBgpPeer,
      'spec.keepaliveTime',
      'keepaliveTime must not be longer than holdTime',
    );
  const holdTimeMs = hold ?? (keepalive === undefined ? defaultHoldMs : keepalive * 3);
  return { holdTimeMs, keepaliveTimeMs: keepalive ?? Math.floor(holdTimeMs / 3) };
}

function resolveAuthentication(
  spec: Readonly<Record<string, unknown>>,
  peerNamespace: string | undefined,
  secrets: readonly SecretLike[] | undefined,
  reporter: ObjectReporter,
): PeerAuthentication {
  const password = readOptionalString(spec.password, 'spec.password', reporter.report);
  const ref = spec.passwordSecret;
  if (ref === undefined || ref === null)
    return password === undefined ? { kind: 'none' } : { kind: 'password', password };
  const secretName = isRecord(ref) ? ref.name : undefined;
  if (typeof secretName !== 'string' || secretName === '') {
    reporter.report('spec.passwordSecret.name', 'spec.passwordSecret.name must be a non-empty string');
    return { kind: 'none' };
  }
  if (password !== undefined) {
    reporter.problem(
      'error',
      ConfigProblemCode.invalidBgpPeer,
      'spec.passwordSecret',
      'password and passwordSecret are mutually exclusive',
    );
  }
  if (secrets === undefined) return { kind: 'unavailable', reason: 'Secrets were not read' };
  const namespace = isRecord(ref) && typeof ref.namespace === 'string' ? ref.namespace : peerNamespace;
  const secret = secrets.find(
    (s) =>
      s?.metadata?.name === secretName && (namespace === undefined || s.metadata.namespace === namespace),
  );
  const encoded = secret?.data?.password;
  const reason =
    secret === undefined
      ? `Secret "${secretName}" does not exist (yet)`
      : secret.type !== 'kubernetes.io/basic-auth'
        ? `Secret "${secretName}" has type "${secret.type ?? ''}", not kubernetes.io/basic-auth`
        : typeof encoded !== 'string' || encoded === ''
          ? `Secret "${secretName}" has no key "password"`
          : undefined;
  if (reason !== undefined) {
    reporter.problem(
      'warning',
      ConfigProblemCode.passwordSecret,
      'spec.passwordSecret',
      `${reason}; the session is not opened until it is usable`,
    );
    return { kind: 'unavailable', reason };
  }
  return { kind: 'password', password: Buffer.from(encoded as string, 'base64').toString('utf8') };
}

function resolvePeer(
  name: string,
  object: unknown,
  context: PeerContext,
  nodes: readonly NodeView[],
  problems: ConfigProblem[],
): ResolvedBgpPeer | undefined {
  const reporter = objectReporter(kind, name, problems, 'peer');
  const { problem, report } = reporter;
  const invalid = (field: string, message: string) =>
    problem('error', ConfigProblemCode.invalidBgpPeer, field, message);
  const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
  const spec = specOf(object);
  const myASN = readOptionalInteger(spec.myASN, 'spec.myASN', report, asn);
  if (spec.myASN === undefined) invalid('spec.myASN', 'spec.myASN is required');
  const peerASN = readOptionalInteger(spec.peerASN, 'spec.peerASN', report, asn);
  const dynamicASN = readOptionalString(spec.dynamicASN, 'spec.dynamicASN', report);
  if (dynamicASN !== undefined && dynamicASN !== 'internal' && dynamicASN !== 'external')
    invalid('spec.dynamicASN', `spec.dynamicASN "${dynamicASN}" is not internal or external`);
  if ((spec.peerASN === undefined) === (dynamicASN === undefined))
    invalid('spec.peerASN', 'exactly one of peerASN and dynamicASN must be set');
  const localASN = readOptionalInteger(spec.localASN, 'spec.localASN', report, asn);
  const peerAddress = readAddress(spec.peerAddress, 'spec.peerAddress', reporter);
  const interfaceName = readOptionalString(spec.interface, 'spec.interface', report);
  if ((spec.peerAddress === undefined) === (interfaceName === undefined))
    invalid('spec.peerAddress', 'exactly one of peerAddress and interface must be set');
  const sourceAddress = readAddress(spec.sourceAddress, 'spec.sourceAddress', reporter);
  const routerID = readAddress(spec.routerID, 'spec.routerID', reporter);
  if (routerID !== undefined && typeof parseIp(routerID) !== 'number')
    invalid(
      'spec.routerID',
      'routerID must be an IPv4 address (the BGP Identifier is 4 octets, RFC 4271 section 4.2)',
    );
  const peerPort = readOptionalInteger(spec.peerPort, 'spec.peerPort', report, { min: 1, max: 16384 }) ?? 179;
  const timers = readTimers(spec, reporter);
  const connectTimeMs = readDuration(spec.connectTime, 'spec.connectTime', reporter);
  if (
    connectTimeMs !== undefined &&
    (connectTimeMs % 1000 !== 0 || connectTimeMs < 1000 || connectTimeMs > 65_535_000)
  )
    invalid('spec.connectTime', 'connectTime must be a whole number of seconds from 1s to 65535s');
  const nodeSelectors = readSelectorList(spec.nodeSelectors, 'spec.nodeSelectors', report);
  const ebgpMultiHop = readOptionalBoolean(spec.ebgpMultiHop, 'spec.ebgpMultiHop', report) ?? false;
  const internal = dynamicASN === undefined ? peerASN === myASN : dynamicASN === 'internal';
  if (ebgpMultiHop && internal)
    invalid('spec.ebgpMultiHop', 'ebgpMultiHop is for eBGP only, and this session is iBGP');
  const vrf = readOptionalString(spec.vrf, 'spec.vrf', report) ?? '';
  const enableGracefulRestart =
    readOptionalBoolean(spec.enableGracefulRestart, 'spec.enableGracefulRestart', report) ?? false;
  const dualStackAddressFamily =
    readOptionalBoolean(spec.dualStackAddressFamily, 'spec.dualStackAddressFamily', report) ?? false;
  readOptionalBoolean(spec.disableMP, 'spec.disableMP', report);
  const bfdProfileName = readOptionalString(spec.bfdProfile, 'spec.bfdProfile', report);
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const authentication = resolveAuthentication(spec, namespace, context.secrets, reporter);
  if (reporter.broken() || myASN === undefined) return undefined;
  const bfd = bfdProfileName === undefined ? undefined : context.bfdProfiles.get(bfdProfileName);
  if (bfdProfileName !== undefined && bfd === undefined) {
    problem(
      'warning',
      ConfigProblemCode.unknownBfdProfile,
      'spec.bfdProfile',
      `BFD profile "${bfdProfileName}" does not exist (or is not used, see its status); the session runs without BFD until it does`,
      { kind: 'BFDProfile', name: bfdProfileName },
    );
  }
  const selectors = nodeSelectors.selectors;
  return {
    name,
    myASN,
    ...(peerASN === undefined ? {} : { peerASN }),
    ...(dynamicASN === undefined ? {} : { dynamicASN: dynamicASN as 'internal' | 'external' }),
    ...(localASN === undefined ? {} : { localASN }),
    internal,
    ...(peerAddress === undefined ? {} : { peerAddress }),
    ...(interfaceName === undefined ? {} : { interface: interfaceName }),
    ...(sourceAddress === undefined ? {} : { sourceAddress }),
    peerPort,
    ...timers,
    ...(connectTimeMs === undefined ? {} : { connectTimeMs }),
    ...(routerID === undefined ? {} : { routerID }),
    nodeSelectors: selectors,
    nodes: selectNodes(nodes, selectors).map((node) => node.name),
    authentication,
    ...(bfdProfileName === undefined ? {} : { bfdProfileName }),
    ...(bfd === undefined ? {} : { bfd }),
    ebgpMultiHop,
    vrf,
    enableGracefulRestart,
    dualStackAddressFamily,
  };
}

/** Peers in age order (oldest first), each with the nodes its selectors match. */
export function resolveBgpPeers(
  objects: readonly unknown[],
  context: PeerContext,
  problems: ConfigProblem[],
): ResolvedBgpPeer[] {
  const nodes = toNodeViews(context.nodes);
  const peers: ResolvedBgpPeer[] = [];
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const peer = resolvePeer(name, object, context, nodes, problems);
    if (peer !== undefined) peers.push(peer);
  }
  return peers;
}
