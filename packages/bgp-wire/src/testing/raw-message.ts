/**
 * Hand-assembles message bytes from hex pieces, bypassing the encoder, for tests of what the
 * decoder does with bytes the encoder would never write.
 */

/** Bytes of a message of `type` with `bodyHex` after the header; `length` overrides the Length field. */
export function rawMessage(type: number, bodyHex: string, length?: number): Uint8Array {
  const body = Buffer.from(bodyHex.replace(/\s+/g, ''), 'hex');
  const total = length ?? 19 + body.length;
  return Uint8Array.from([...new Array(16).fill(0xff), total >>> 8, total & 0xff, type, ...body]);
}

/** An UPDATE with the given fields (hex); lengths are computed unless given. */
export function rawUpdate(parts: {
  readonly withdrawn?: string;
  readonly attributes?: string;
  readonly nlri?: string;
  readonly attributesLength?: number;
}): Uint8Array {
  const clean = (hex = '') => hex.replace(/\s+/g, '');
  const withdrawn = clean(parts.withdrawn);
  const attributes = clean(parts.attributes);
  const attributesLength = parts.attributesLength ?? attributes.length / 2;
  const u16 = (n: number) => n.toString(16).padStart(4, '0');
  return rawMessage(
    2,
    `${u16(withdrawn.length / 2)}${withdrawn}${u16(attributesLength)}${attributes}${clean(parts.nlri)}`,
  );
}

/** ORIGIN IGP, AS_PATH [65001] (4-octet), NEXT_HOP 198.51.100.1: a valid base to add to. */
export const MANDATORY_ATTRIBUTES = '40 01 01 00  40 02 06 02 01 0000fde9  40 03 04 c6336401';
/** 203.0.113.0/24 */
export const ONE_PREFIX = '18 cb0071';
