/**
 * The authentication section of a control packet (RFC 5880 §4.2-§4.4):
 *
 * Simple password (§4.2):   Auth Type | Auth Len | Auth Key ID | Password (1-16 bytes)
 * Keyed MD5 / SHA1 (§4.3, §4.4):
 *   Auth Type | Auth Len | Auth Key ID | Reserved (0)
 *   Sequence Number (32 bits)
 *   Auth Key/Digest (16 bytes, MD5) or Auth Key/Hash (20 bytes, SHA1)
 */
import { AuthType } from './bfd-constants.ts';
import { BfdDecodeError, BfdErrorCode } from './bfd-error.ts';

export type PasswordAuthSection = {
  readonly type: typeof AuthType.simplePassword;
  readonly keyId: number;
  /** 1 to 16 bytes. */
  readonly password: Uint8Array;
};

export type DigestAuthType =
  | typeof AuthType.keyedMd5
  | typeof AuthType.meticulousKeyedMd5
  | typeof AuthType.keyedSha1
  | typeof AuthType.meticulousKeyedSha1;

export type DigestAuthSection = {
  readonly type: DigestAuthType;
  readonly keyId: number;
  readonly sequence: number;
  /** 16 bytes for MD5, 20 for SHA1. */
  readonly digest: Uint8Array;
};

export type AuthSection = PasswordAuthSection | DigestAuthSection;

/** Digest bytes of each digest auth type. */
export function digestLength(type: DigestAuthType): 16 | 20 {
  return type === AuthType.keyedSha1 || type === AuthType.meticulousKeyedSha1 ? 20 : 16;
}

/** Whether `type` needs a strictly increasing sequence number (the "meticulous" variants). */
export function isMeticulous(type: AuthType): boolean {
  return type === AuthType.meticulousKeyedMd5 || type === AuthType.meticulousKeyedSha1;
}

/** Offset of the digest inside the authentication section (type, len, key id, reserved, seq). */
export const DIGEST_OFFSET_IN_SECTION = 8;

function encodedLength(section: AuthSection): number {
  return section.type === AuthType.simplePassword
    ? 3 + section.password.length
    : DIGEST_OFFSET_IN_SECTION + digestLength(section.type);
}

function encodeInto(section: AuthSection, buf: Uint8Array, offset: number): number {
  const length = encodedLength(section);
  buf[offset] = section.type;
  buf[offset + 1] = length;
  buf[offset + 2] = section.keyId & 0xff;
  if (section.type === AuthType.simplePassword) {
    buf.set(section.password, offset + 3);
    return length;
  }
  buf[offset + 3] = 0;
  new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setUint32(offset + 4, section.sequence >>> 0);
  buf.fill(0, offset + DIGEST_OFFSET_IN_SECTION, offset + length);
  buf.set(section.digest.subarray(0, digestLength(section.type)), offset + DIGEST_OFFSET_IN_SECTION);
  return length;
}

/** Decodes the section at `offset`; it must end exactly at `end` (the packet's Length). */
function decode(buf: Uint8Array, offset: number, end: number): AuthSection {
  if (end - offset < 2) {
    throw new BfdDecodeError(BfdErrorCode.truncated, {
      offset,
      field: 'auth section',
      needed: 2,
      available: end - offset,
    });
  }
  const type = buf[offset]!;
  const authLength = buf[offset + 1]!;
  if (authLength !== end - offset) {
    malformed(offset + 1, 'authLength', `${authLength}, packet leaves ${end - offset}`);
  }
  if (type === AuthType.simplePassword) {
    if (authLength < 4 || authLength > 19) malformed(offset + 1, 'authLength', `${authLength} not in 4..19`);
    return {
      type,
      keyId: buf[offset + 2]!,
      password: Uint8Array.prototype.slice.call(buf, offset + 3, offset + authLength),
    };
  }
  if (
    type !== AuthType.keyedMd5 &&
    type !== AuthType.meticulousKeyedMd5 &&
    type !== AuthType.keyedSha1 &&
    type !== AuthType.meticulousKeyedSha1
  ) {
    return malformed(offset, 'authType', `${type}`);
  }
  const expected = DIGEST_OFFSET_IN_SECTION + digestLength(type);
  if (authLength !== expected) malformed(offset + 1, 'authLength', `${authLength}, expected ${expected}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    type,
    keyId: buf[offset + 2]!,
    sequence: view.getUint32(offset + 4),
    digest: Uint8Array.prototype.slice.call(buf, offset + DIGEST_OFFSET_IN_SECTION, offset + expected),
  };
}

function malformed(offset: number, field: string, detail: string): never {
  throw new BfdDecodeError(BfdErrorCode.malformed, { offset, field, detail });
}

/** Codec of the authentication section (used by the control packet codec). */
export const AuthSection = { encodedLength, encodeInto, decode } as const;
