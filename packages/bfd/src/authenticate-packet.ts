/**
 * Authentication of control packets: simple password (RFC 5880 §6.7.2), keyed MD5 and
 * meticulous keyed MD5 (§6.7.3), keyed SHA1 and meticulous keyed SHA1 (§6.7.4).
 *
 * For MD5/SHA1 the digest is computed over the whole packet (Length bytes) with the digest field
 * holding the secret, zero padded to the digest length; the result replaces the secret. The
 * sequence number rules need session state and live in the state machine (receivePacket).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type AuthSection,
  DIGEST_OFFSET_IN_SECTION,
  type DigestAuthType,
  digestLength,
} from './auth-section.ts';
import { AuthType, BFD_MANDATORY_LENGTH_BYTES } from './bfd-constants.ts';
import { BfdConfigError } from './bfd-error.ts';
import type { ControlPacket } from './control-packet.ts';

/** One configured key (bfd.AuthType, bfd.CurrentTxKeyId and its secret). */
export type BfdAuthKey = {
  readonly type: Exclude<AuthType, typeof AuthType.none>;
  /** 0-255. */
  readonly keyId: number;
  /** 1-16 bytes for password and MD5, 1-20 for SHA1. */
  readonly secret: Uint8Array;
};

/** Throws BfdConfigError unless `key` is usable. */
export function checkAuthKey(key: BfdAuthKey): void {
  if (
    !Number.isInteger(key.type) ||
    key.type < AuthType.simplePassword ||
    key.type > AuthType.meticulousKeyedSha1
  ) {
    throw new BfdConfigError('auth.type', `${key.type} is not 1-5`);
  }
  if (!Number.isInteger(key.keyId) || key.keyId < 0 || key.keyId > 255) {
    throw new BfdConfigError('auth.keyId', `${key.keyId} is not 0-255`);
  }
  const max = key.type === AuthType.simplePassword ? 16 : digestLength(key.type);
  if (key.secret.length < 1 || key.secret.length > max) {
    throw new BfdConfigError('auth.secret', `${key.secret.length} bytes, expected 1-${max}`);
  }
}

/** The authentication section to send with `sequence`; the digest is filled by signPacketInto. */
export function buildAuthSection(key: BfdAuthKey, sequence: number): AuthSection {
  if (key.type === AuthType.simplePassword) {
    return { type: key.type, keyId: key.keyId, password: key.secret };
  }
  return { type: key.type, keyId: key.keyId, sequence: sequence >>> 0, digest: EMPTY };
}

const EMPTY = new Uint8Array(0);

/**
 * Fills the digest of the encoded packet at `buf[offset, offset + length)` (no-op for a password
 * or an unauthenticated packet).
 */
export function signPacketInto(buf: Uint8Array, offset: number, length: number, key: BfdAuthKey): void {
  if (key.type === AuthType.simplePassword || length <= BFD_MANDATORY_LENGTH_BYTES) return;
  const digestAt = offset + BFD_MANDATORY_LENGTH_BYTES + DIGEST_OFFSET_IN_SECTION;
  const size = digestLength(key.type);
  buf.fill(0, digestAt, digestAt + size);
  buf.set(key.secret, digestAt);
  const digest = hash(key.type, buf.subarray(offset, offset + length));
  buf.set(digest, digestAt);
}

/**
 * Whether `packet` (decoded from `raw[offset, offset + Length)`) carries `key`'s type and key id
 * and a correct password or digest. Does not check sequence numbers.
 */
export function verifyPacketAuth(
  raw: Uint8Array,
  offset: number,
  packet: ControlPacket,
  key: BfdAuthKey,
): boolean {
  const auth = packet.auth;
  if (auth === undefined || auth.type !== key.type || auth.keyId !== key.keyId) return false;
  if (auth.type === AuthType.simplePassword) {
    return auth.password.length === key.secret.length && timingSafeEqual(auth.password, key.secret);
  }
  const length = raw[offset + 3]!;
  const copy = Uint8Array.prototype.slice.call(raw, offset, offset + length);
  const digestAt = BFD_MANDATORY_LENGTH_BYTES + DIGEST_OFFSET_IN_SECTION;
  const size = digestLength(auth.type);
  copy.fill(0, digestAt, digestAt + size);
  copy.set(key.secret, digestAt);
  return timingSafeEqual(hash(auth.type, copy), auth.digest);
}

function hash(type: DigestAuthType, bytes: Uint8Array): Buffer {
  return createHash(digestLength(type) === 20 ? 'sha1' : 'md5')
    .update(bytes)
    .digest();
}
