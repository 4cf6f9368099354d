/**
 * Every failure of the allocator is an IpamError with a stable `code`. Callers switch on `code`;
 * the message is for humans and quotes the identifiers involved. A call that throws has changed
 * nothing.
 */
export const IpamErrorCode = {
  /** An address, CIDR or range could not be parsed. */
  invalidAddress: 'ERR_IPAM_INVALID_ADDRESS',
  /** A pool spec is invalid (no addresses, bad entry, duplicate name, ...). */
  invalidPool: 'ERR_IPAM_INVALID_POOL',
  /** Two pool entries overlap (in one pool or across pools). */
  poolOverlap: 'ERR_IPAM_POOL_OVERLAP',
  /** The service request itself is malformed (bad policy, families, ports, ...). */
  invalidRequest: 'ERR_IPAM_INVALID_REQUEST',
  /** The request names a pool that does not exist. */
  unknownPool: 'ERR_IPAM_UNKNOWN_POOL',
  /** A requested IP lies in no pool (or is an avoided .0/.255 address). */
  ipNotInPool: 'ERR_IPAM_IP_NOT_IN_POOL',
  /** A requested IP lies in a pool other than the one the request names. */
  ipNotInRequestedPool: 'ERR_IPAM_IP_NOT_IN_REQUESTED_POOL',
  /** The requested IPs lie in different pools. */
  ipsInDifferentPools: 'ERR_IPAM_IPS_IN_DIFFERENT_POOLS',
  /** A requested IP's family is not one of the service's IP families. */
  wrongFamily: 'ERR_IPAM_WRONG_FAMILY',
  /** More than two IPs, or two IPs of the same family, were requested. */
  badIpCount: 'ERR_IPAM_BAD_IP_COUNT',
  /** The pool holding the IP does not serve this service (serviceAllocation). */
  poolNotAllowed: 'ERR_IPAM_POOL_NOT_ALLOWED',
  /** The IP is held by services this service may not share it with. */
  sharingConflict: 'ERR_IPAM_SHARING_CONFLICT',
  /** The IP is shared and one of the requested (protocol, port) pairs is already used on it. */
  portConflict: 'ERR_IPAM_PORT_CONFLICT',
  /** No pool had a free (or compatibly shared) IP for the request. */
  noAvailableIps: 'ERR_IPAM_NO_AVAILABLE_IPS',
} as const;
export type IpamErrorCode = (typeof IpamErrorCode)[keyof typeof IpamErrorCode];

/** Structured context carried by an IpamError; only the fields that apply are set. */
export interface IpamErrorDetails {
  readonly serviceKey?: string;
  readonly pool?: string;
  readonly ip?: string;
  readonly entry?: string;
  readonly holders?: readonly string[];
}

export class IpamError extends Error {
  readonly code: IpamErrorCode;
  readonly details: IpamErrorDetails;

  constructor(code: IpamErrorCode, message: string, details: IpamErrorDetails = {}) {
    super(message);
    this.name = 'IpamError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is an IpamError (optionally with the given code). */
export function isIpamError(error: unknown, code?: IpamErrorCode): error is IpamError {
  return error instanceof IpamError && (code === undefined || error.code === code);
}
