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

/**
 * Why `candidate` may not hold `ip` next to its current holders, or undefined when it may. The
 * candidate itself is ignored among the holders: a service alone on its IP may change its keys.
 */
export function checkSharing(
  ip: IpValue,
  holders: Holders | undefined,
  candidate: SharingCandidate,
  holdingOf: (serviceKey: string) => HoldingValue | undefined,
): IpamError | undefined {
  if (holders === undefined) return undefined;
  const others = typeof holders === 'string' ? [holders] : holders;
  let first: string | undefined;
  for (const other of others) {
    if (other !== candidate.key) {
      first = other;
      break;
    }
  }
  if (first === undefined) return undefined;
  const firstHolding = holdingOf(first) as HoldingValue;
  const existingKey = sharingKeyOf(firstHolding);
  const address = formatIp(ip);
  const details = {
    serviceKey: candidate.key,
    ip: address,
    holders: others.filter((o) => o !== candidate.key),
  };
  const conflict = (message: string) => new IpamError(IpamErrorCode.sharingConflict, message, details);
  if (existingKey === '') {
    return conflict(`${address} is held by "${first}", which does not allow sharing`);
  }
  if (candidate.sharingKey === '') {
    return conflict(
      `service "${candidate.key}" does not allow sharing, and ${address} is held by "${first}"`,
    );
  }
  if (candidate.sharingKey !== existingKey) {
    return conflict(
      `sharing key "${candidate.sharingKey}" does not match key "${existingKey}" already on ${address}`,
    );
  }
  const existingBackend = backendKeyOf(firstHolding);
  if (candidate.backendKey !== existingBackend) {
    return conflict(
      `backend key "${candidate.backendKey}" does not match backend key "${existingBackend}" already on ${address}`,
    );
  }
  for (const other of others) {
    if (other === candidate.key) continue;
    for (const used of portsOf(holdingOf(other) as HoldingValue)) {
      for (const wanted of candidate.ports) {
        if (used.port === wanted.port && used.protocol === wanted.protocol) {
          return new IpamError(
            IpamErrorCode.portConflict,
            `port ${wanted.protocol}/${wanted.port} is already used on ${address} by "${other}"`,
            details,
          );
        }
      }
    }
  }
  return undefined;
}
