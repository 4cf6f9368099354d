/**
 * What one service holds, in the smallest form that answers every later question. Most services
 * hold one IP and share nothing; they are stored as the bare address (an IPv4 as a signed 32-bit
 * integer, which V8 keeps unboxed; an IPv6 as its bigint). Dual-stack or sharing services get a
 * Holding object, which also keeps what sharing checks need (keys and ports).
 */
import type { ServicePort } from './service-request.ts';

export class Holding {
  readonly ip4: number | undefined;
  readonly ip6: bigint | undefined;
  readonly sharingKey: string;
  readonly backendKey: string;
  readonly ports: readonly ServicePort[];

  constructor(
    ip4: number | undefined,
    ip6: bigint | undefined,
    sharingKey: string,
    backendKey: string,
    ports: readonly ServicePort[],
  ) {
    this.ip4 = ip4;
    this.ip6 = ip6;
    this.sharingKey = sharingKey;
    this.backendKey = backendKey;
    this.ports = ports;
  }
}

export type HoldingValue = number | bigint | Holding;

const NO_PORTS: readonly ServicePort[] = [];

export function encodeHolding(
  ip4: number | undefined,
  ip6: bigint | undefined,
  sharingKey: string,
  backendKey: string,
  ports: readonly ServicePort[],
): HoldingValue {
  if (sharingKey === '') {
    // Without a sharing key nobody can join the IP, so ports and backend key never matter.
    if (ip6 === undefined && ip4 !== undefined) return ip4 | 0;
    if (ip4 === undefined && ip6 !== undefined) return ip6;
    return new Holding(ip4, ip6, '', '', NO_PORTS);
  }
  return new Holding(ip4, ip6, sharingKey, backendKey, ports);
}

export function ip4Of(value: HoldingValue): number | undefined {
  if (typeof value === 'number') return value >>> 0;
  return typeof value === 'bigint' ? undefined : value.ip4;
}

export function ip6Of(value: HoldingValue): bigint | undefined {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' ? undefined : value.ip6;
}

export function sharingKeyOf(value: HoldingValue): string {
  return typeof value === 'object' ? value.sharingKey : '';
}

export function backendKeyOf(value: HoldingValue): string {
  return typeof value === 'object' ? value.backendKey : '';
}

export function portsOf(value: HoldingValue): readonly ServicePort[] {
  return typeof value === 'object' ? value.ports : NO_PORTS;
}
