/**
 * One entry of a BGPAdvertisement's communities, or of a Community alias's value: a standard
 * community `A:B` (RFC 1997: two 16-bit numbers), a large community `large:G:L1:L2` (RFC 8092:
 * three 32-bit numbers), or, for anything not shaped like either, the name of an alias.
 * Values come back in the text forms @baremetal-lb/bgp's Route takes (`A:B`, `G:L1:L2`).
 */
export type ParsedCommunity =
  | { readonly type: 'standard'; readonly value: string }
  | { readonly type: 'large'; readonly value: string }
  | { readonly type: 'alias'; readonly name: string }
  | { readonly type: 'invalid'; readonly message: string };

const standardShape = /^(\d+):(\d+)$/;
const largeShape = /^large:(\d+):(\d+):(\d+)$/;

function fits(digits: string, max: number): boolean {
  return digits.length <= 10 && Number(digits) <= max;
}

export function parseCommunity(text: string): ParsedCommunity {
  const standard = standardShape.exec(text);
  if (standard !== null) {
    const [, high = '', low = ''] = standard;
    if (!fits(high, 0xffff) || !fits(low, 0xffff))
      return { type: 'invalid', message: `community "${text}" needs two numbers from 0 to 65535` };
    return { type: 'standard', value: `${Number(high)}:${Number(low)}` };
  }
  if (text.startsWith('large:')) {
    const large = largeShape.exec(text);
    if (large === null || !large.slice(1).every((part) => fits(part, 0xffffffff)))
      return {
        type: 'invalid',
        message: `large community "${text}" is not large:G:L1:L2 with three numbers from 0 to 4294967295`,
      };
    return { type: 'large', value: large.slice(1).map(Number).join(':') };
  }
  return { type: 'alias', name: text };
}
