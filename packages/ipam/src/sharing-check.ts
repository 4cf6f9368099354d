/**
 * MetalLB's IP sharing rule: services may share an IP only when (1) both carry the same non-empty
 * sharing key, (2) their backend keys are equal and (3) no (protocol, port) pair repeats.
 */

import type { Holders } from './holder-index.ts';
import { backendKeyOf, type HoldingValue, portsOf, sharingKeyOf } from './holding.ts';
import { formatIp, type IpValue } from './ip-address.ts';
import { IpamError, IpamErrorCode } from './ipam-error.ts';
import type { ServicePort } from './service-request.ts';

export interface SharingCandidate {
  readonly key: string;
  readonly sharingKey: string;
  readonly backendKey: string;
  readonly ports: readonly ServicePort[];
}

/** Why sharing is refused, cheap to build (automatic allocation tests many IPs). */
export interface SharingConflict {
  readonly reason: 'holderDoesNotShare' | 'candidateDoesNotShare' | 'sharingKey' | 'backendKey' | 'port';
  /** The holder the conflict is with. */
  readonly holder: string;
  readonly holderValue: string;
  readonly port?: ServicePort;
}

/**
 * Why `candidate` may not hold an IP next to its current `holders`, or undefined when it may.
 * The candidate itself is ignored among the holders: a service alone on its IP may change its keys.
 */
export function findSharingConflict(
  holders: Holders | undefined,
  candidate: SharingCandidate,
  holdingOf: (serviceKey: string) => HoldingValue | undefined,
): SharingConflict | undefined {
  if (holders === undefined) return undefined;
  const others = typeof holders === 'string' ? [holders] : holders;
  const first = others.find((other) => other !== candidate.key);
  if (first === undefined) return undefined;
  const firstHolding = holdingOf(first) as HoldingValue;
  const existingKey = sharingKeyOf(firstHolding);
  if (existingKey === '') return { reason: 'holderDoesNotShare', holder: first, holderValue: '' };
  if (candidate.sharingKey === '')
    return { reason: 'candidateDoesNotShare', holder: first, holderValue: existingKey };
  if (candidate.sharingKey !== existingKey)
    return { reason: 'sharingKey', holder: first, holderValue: existingKey };
  const existingBackend = backendKeyOf(firstHolding);
  if (candidate.backendKey !== existingBackend) {
    return { reason: 'backendKey', holder: first, holderValue: existingBackend };
  }
  for (const other of others) {
    if (other === candidate.key) continue;
    for (const used of portsOf(holdingOf(other) as HoldingValue)) {
      for (const wanted of candidate.ports) {
        if (used.port === wanted.port && used.protocol === wanted.protocol) {
          return { reason: 'port', holder: other, holderValue: '', port: wanted };
        }
      }
    }
  }
  return undefined;
}

/** The typed error for a conflict, with a message that quotes the identifiers. */
export function sharingError(
  ip: IpValue,
  holders: Holders,
  candidate: SharingCandidate,
  conflict: SharingConflict,
): IpamError {
  const address = formatIp(ip);
  const others = (typeof holders === 'string' ? [holders] : holders).filter((o) => o !== candidate.key);
  const details = { serviceKey: candidate.key, ip: address, holders: others };
  const { holder, holderValue } = conflict;
  switch (conflict.reason) {
    case 'holderDoesNotShare':
      return new IpamError(
        IpamErrorCode.sharingConflict,
        `${address} is held by "${holder}", which does not allow sharing`,
        details,
      );
    case 'candidateDoesNotShare':
      return new IpamError(
        IpamErrorCode.sharingConflict,
        `service "${candidate.key}" does not allow sharing, and ${address} is held by "${holder}"`,
        details,
      );
    case 'sharingKey':
      return new IpamError(
        IpamErrorCode.sharingConflict,
        `sharing key "${candidate.sharingKey}" does not match key "${holderValue}" already on ${address}`,
        details,
      );
    case 'backendKey':
      return new IpamError(
        IpamErrorCode.sharingConflict,
        `backend key "${candidate.backendKey}" does not match backend key "${holderValue}" already on ${address}`,
        details,
      );
    case 'port': {
      const port = conflict.port as ServicePort;
      return new IpamError(
        IpamErrorCode.portConflict,
        `port ${port.protocol}/${port.port} is already used on ${address} by "${holder}"`,
        details,
      );
    }
  }
}
