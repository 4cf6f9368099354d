/**
 * One pool entry, parsed: a CIDR (`192.0.2.0/28`) or an inclusive range (`192.0.2.10 - 192.0.2.20`)
 * as first/last values of one family.
 */
import { formatIp, type IpValue, parseIp } from './ip-address.ts';
import type { IpFamily } from './service-request.ts';

export interface AddressRange {
  readonly family: IpFamily;
  /** First and last address, inclusive; numbers for IPv4, bigints for IPv6. */
  readonly first: IpValue;
  readonly last: IpValue;
  /** The entry as written in the pool spec. */
  readonly entry: string;
}

export type ParsedEntry =
  | { readonly ok: true; readonly range: AddressRange; readonly warning?: string }
  | { readonly ok: false; readonly message: string };

/** Parses one `addresses` entry. Never throws. */
export function parseAddressEntry(entry: string): ParsedEntry {
  if (typeof entry !== 'string') return { ok: false, message: 'address entry is not a string' };
  const text = entry.trim();
  const slash = text.indexOf('/');
  if (slash !== -1) return parseCidr(entry, text.slice(0, slash), text.slice(slash + 1));
  const dash = text.indexOf('-');
  if (dash === -1) return { ok: false, message: `"${entry}" is neither a CIDR nor a start-end range` };
  const first = parseIp(text.slice(0, dash).trim());
  const last = parseIp(text.slice(dash + 1).trim());
  if (first === undefined || last === undefined) {
    return { ok: false, message: `range "${entry}" has an invalid start or end address` };
  }
  if (typeof first !== typeof last) {
    return { ok: false, message: `range "${entry}" mixes IPv4 and IPv6` };
  }
  if (first > last) return { ok: false, message: `range "${entry}" starts after it ends` };
  return { ok: true, range: { family: familyName(first), first, last, entry } };
}

function parseCidr(entry: string, addressText: string, lengthText: string): ParsedEntry {
  const address = parseIp(addressText);
  if (address === undefined) return { ok: false, message: `CIDR "${entry}" has an invalid address` };
  const bits = typeof address === 'number' ? 32 : 128;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lengthText) || Number(lengthText) > bits) {
    return { ok: false, message: `CIDR "${entry}" has an invalid prefix length` };
  }
  const hostBits = bits - Number(lengthText);
  let first: IpValue;
  let last: IpValue;
  if (typeof address === 'number') {
    const size = 2 ** hostBits;
    first = Math.floor(address / size) * size;
    last = first + size - 1;
  } else {
    const hostMask = (1n << BigInt(hostBits)) - 1n;
    first = address & ~hostMask;
    last = first | hostMask;
  }
  const range: AddressRange = { family: familyName(address), first, last, entry };
  if (first === address) return { ok: true, range };
  // Go's net.ParseCIDR masks host bits silently; MetalLB therefore accepts such entries. We accept
  // them too but say so, because the writer most likely meant something else.
  return {
    ok: true,
    range,
    warning: `CIDR "${entry}" has host bits set; using ${formatIp(first)}/${lengthText}`,
  };
}

function familyName(value: IpValue): IpFamily {
  return typeof value === 'number' ? 'IPv4' : 'IPv6';
}

/** Number of addresses in a range (bigint; IPv6 ranges can hold up to 2^128). */
export function rangeSize(range: AddressRange): bigint {
  return BigInt(range.last) - BigInt(range.first) + 1n;
}
