/**
 * Problems found in the configuration, as data: each names the object it belongs to, so the apps
 * can write it into that object's status and events while every other object keeps working.
 */
import type { MetallbKind } from './metallb-resources.ts';

export const ConfigProblemCode = {
  missingName: 'ERR_CONFIG_MISSING_NAME',
  duplicateName: 'ERR_CONFIG_DUPLICATE_NAME',
  noAddresses: 'ERR_CONFIG_POOL_NO_ADDRESSES',
  invalidAddress: 'ERR_CONFIG_POOL_INVALID_ADDRESS',
  hostBitsSet: 'WARN_CONFIG_POOL_CIDR_HOST_BITS',
  invalidPriority: 'ERR_CONFIG_POOL_PRIORITY',
  invalidSelector: 'ERR_CONFIG_INVALID_SELECTOR',
  overlap: 'ERR_CONFIG_POOL_OVERLAP',
  invalidWeight: 'ERR_CONFIG_L2_PREFERRED_WEIGHT',
  invalidInterface: 'WARN_CONFIG_L2_INTERFACE_NAME',
  unknownPool: 'WARN_CONFIG_L2_UNKNOWN_POOL',
  rejectedPool: 'WARN_CONFIG_L2_REJECTED_POOL',
  invalidField: 'ERR_CONFIG_INVALID_FIELD',
  invalidBgpPeer: 'ERR_CONFIG_BGP_PEER_INVALID',
  unknownBfdProfile: 'WARN_CONFIG_BGP_UNKNOWN_BFD_PROFILE',
  passwordSecret: 'WARN_CONFIG_BGP_PASSWORD_SECRET',
  peerNodeConflict: 'WARN_CONFIG_BGP_PEER_NODE_CONFLICT',
  unknownBgpPool: 'WARN_CONFIG_BGP_UNKNOWN_POOL',
  rejectedBgpPool: 'WARN_CONFIG_BGP_REJECTED_POOL',
  unknownPeer: 'WARN_CONFIG_BGP_UNKNOWN_PEER',
  aggregationLength: 'WARN_CONFIG_BGP_AGGREGATION_LENGTH',
  localPrefConflict: 'WARN_CONFIG_BGP_LOCAL_PREF_CONFLICT',
  invalidCommunity: 'ERR_CONFIG_BGP_INVALID_COMMUNITY',
  unknownCommunityAlias: 'ERR_CONFIG_BGP_UNKNOWN_COMMUNITY_ALIAS',
  duplicateCommunityAlias: 'WARN_CONFIG_BGP_DUPLICATE_COMMUNITY_ALIAS',
} as const;
export type ConfigProblemCode = (typeof ConfigProblemCode)[keyof typeof ConfigProblemCode];

/** Event/condition reason (CamelCase, stable) for each code. */
export const configProblemReason: Readonly<Record<ConfigProblemCode, string>> = {
  [ConfigProblemCode.missingName]: 'MissingName',
  [ConfigProblemCode.duplicateName]: 'DuplicateName',
  [ConfigProblemCode.noAddresses]: 'NoAddresses',
  [ConfigProblemCode.invalidAddress]: 'InvalidAddress',
  [ConfigProblemCode.hostBitsSet]: 'CIDRHostBitsSet',
  [ConfigProblemCode.invalidPriority]: 'InvalidPriority',
  [ConfigProblemCode.invalidSelector]: 'InvalidSelector',
  [ConfigProblemCode.overlap]: 'Overlap',
  [ConfigProblemCode.invalidWeight]: 'InvalidWeight',
  [ConfigProblemCode.invalidInterface]: 'InvalidInterfaceName',
  [ConfigProblemCode.unknownPool]: 'UnknownPool',
  [ConfigProblemCode.rejectedPool]: 'RejectedPool',
  [ConfigProblemCode.invalidField]: 'InvalidField',
  [ConfigProblemCode.invalidBgpPeer]: 'InvalidBGPPeer',
  [ConfigProblemCode.unknownBfdProfile]: 'UnknownBFDProfile',
  [ConfigProblemCode.passwordSecret]: 'PasswordSecretUnusable',
  [ConfigProblemCode.peerNodeConflict]: 'PeerNodeConflict',
  [ConfigProblemCode.unknownBgpPool]: 'UnknownPool',
  [ConfigProblemCode.rejectedBgpPool]: 'RejectedPool',
  [ConfigProblemCode.unknownPeer]: 'UnknownPeer',
  [ConfigProblemCode.aggregationLength]: 'AggregationLengthTooShort',
  [ConfigProblemCode.localPrefConflict]: 'LocalPrefConflict',
  [ConfigProblemCode.invalidCommunity]: 'InvalidCommunity',
  [ConfigProblemCode.unknownCommunityAlias]: 'UnknownCommunityAlias',
  [ConfigProblemCode.duplicateCommunityAlias]: 'DuplicateCommunityAlias',
};

export type ObjectRef = { readonly kind: MetallbKind; readonly name: string };

export type ConfigProblem = {
  /** `error`: the object is left out of the configuration. `warning`: it is used anyway. */
  readonly severity: 'error' | 'warning';
  readonly code: ConfigProblemCode;
  readonly object: ObjectRef;
  /** JSON path of the offending field, e.g. `spec.addresses[2]`. */
  readonly field?: string;
  readonly message: string;
  /** The other object of a cross-object problem (the pool an overlap is with). */
  readonly related?: ObjectRef;
};

/** The code for a malformed field, from its JSON path. */
export function problemCodeForField(field: string): ConfigProblemCode {
  if (field.endsWith('.weight')) return ConfigProblemCode.invalidWeight;
  if (/Selectors|\.preference/.test(field)) return ConfigProblemCode.invalidSelector;
  return ConfigProblemCode.invalidField;
}

/** `Kind/name`, the key of problemsByObject. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** Problems grouped by objectKey, in their original order. */
export function problemsByObject(
  problems: readonly ConfigProblem[],
): ReadonlyMap<string, readonly ConfigProblem[]> {
  const grouped = new Map<string, ConfigProblem[]>();
  for (const problem of problems) {
    const key = objectKey(problem.object);
    const list = grouped.get(key);
    if (list === undefined) grouped.set(key, [problem]);
    else list.push(problem);
  }
  return grouped;
}

export function isError(problem: ConfigProblem): boolean {
  return problem.severity === 'error';
}
