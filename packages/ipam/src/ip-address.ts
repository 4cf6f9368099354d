/**
 * IP address text <-> value. IPv4 addresses are plain numbers (0..2^32-1) so the hot paths stay on
 * small integers; IPv6 addresses are bigints (0..2^128-1). `typeof value` tells the family apart.
 */
import type { IpFamily } from './service-request.ts';

export type IpValue = number | bigint;

/** Parses dotted-quad IPv4 (no leading zeros, as Go's net.ParseIP since 1.17). -1 when invalid. */
export function parseIpv4(text: string): number {
  let value = 0;
  let octets = 0;
  let i = 0;
  const length = text.length;
  while (octets < 4) {
    const begin = i;
    let octet = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const digits = i - begin;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(begin) === 48)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (text.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === length ? value : -1;
}

/** Parses RFC 4291 section 2.2 text forms, including `::` and a trailing dotted IPv4. -1n when invalid. */
export function parseIpv6(text: string): bigint {
  if (text.length < 2 || text.length > 45) return -1n;
  const double = text.indexOf('::');
  if (double !== -1 && text.indexOf('::', double + 1) !== -1) return -1n;
  const head = double === -1 ? text : text.slice(0, double);
  const tail = double === -1 ? '' : text.slice(double + 2);
  const headGroups = parseGroups(head, double === -1);
  const tailGroups = parseGroups(tail, true);
  if (headGroups === undefined || tailGroups === undefined) return -1n;
  const used = headGroups.length + tailGroups.length;
  if (double === -1 ? used !== 8 : used > 7) return -1n;
  let value = 0n;
  for (const group of headGroups) value = (value << 16n) | BigInt(group);
  value <<= BigInt((8 - used) * 16);
  for (const group of tailGroups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Splits `a:b:c` into 16-bit groups; the last part may be a dotted IPv4 (two groups). */
function parseGroups(part: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index] as string;
    if (index === pieces.length - 1 && mayEndWithIpv4 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (v4 < 0) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
    groups.push(Number.parseInt(piece, 16));
  }
  return groups;
}

/** Parses either family; undefined when the text is not an address. */
export function parseIp(text: string): IpValue | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    return v6 < 0n ? undefined : v6;
  }
  const v4 = parseIpv4(text);
  return v4 < 0 ? undefined : v4;
}

export function formatIpv4(value: number): string {
  return `${Math.floor(value / 16777216)}.${Math.floor(value / 65536) % 256}.${Math.floor(value / 256) % 256}.${value % 256}`;
}

/** RFC 5952 canonical text: lower case, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  // One native bigint -> hex conversion, then character work on it: much cheaper than bigint shifts.
  const hex = value.toString(16).padStart(32, '0');
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let group = 0; group < 8; group++) {
    const at = group * 4;
    const zero =
      hex.charCodeAt(at) === 48 &&
      hex.charCodeAt(at + 1) === 48 &&
      hex.charCodeAt(at + 2) === 48 &&
      hex.charCodeAt(at + 3) === 48;
    if (!zero) runStart = -1;
    else {
      if (runStart === -1) runStart = group;
      if (group - runStart + 1 > bestLength) {
        bestStart = runStart;
        bestLength = group - runStart + 1;
      }
    }
  }
  let text = '';
  let needColon = false;
  for (let group = 0; group < 8; group++) {
    if (group === bestStart) {
      text += '::';
      group += bestLength - 1;
      needColon = false;
      continue;
    }
    if (needColon) text += ':';
    let at = group * 4;
    const end = at + 4;
    while (at < end - 1 && hex.charCodeAt(at) === 48) at++;
    text += hex.slice(at, end);
    needColon = true;
  }
  return text;
}

export function formatIp(value: IpValue): string {
  return typeof value === 'number' ? formatIpv4(value) : formatIpv6(value);
}

export function familyOf(value: IpValue): IpFamily {
  return typeof value === 'number' ? 'IPv4' : 'IPv6';
}

/** Canonical text of an address (`2001:DB8:0::1` -> `2001:db8::1`), or undefined when invalid. */
export function normalizeIp(text: string): string | undefined {
  const value = parseIp(text);
  return value === undefined ? undefined : formatIp(value);
}
