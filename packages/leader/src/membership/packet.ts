import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Keyring } from './keyring.ts';

/**
 * One datagram. The header travels in clear and is authenticated as GCM associated data; the
 * messages are encrypted.
 *
 *   offset  size  field
 *   0       1     version (1)
 *   1       4     key id (which shared secret)
 *   5       8     sender epoch: wall-clock ms at start × 1024 + 10 random bits; grows across restarts
 *   13      4     sender packet counter within the epoch
 *   17      1     sender name length L (1..255)
 *   18      L     sender name (UTF-8)
 *   18+L    n     ciphertext of the messages
 *   end−16  16    GCM tag
 *
 * Nonce = epoch (8 bytes) ‖ counter (4 bytes) under the sender's own subkey, so it never repeats.
 */
export const packetVersion = 1;
const tagBytes = 16;
const fixedHeaderBytes = 18;

/** Bytes a packet adds around its messages for a sender called `sender`. */
export function packetOverhead(sender: string): number {
  return fixedHeaderBytes + Buffer.byteLength(sender, 'utf8') + tagBytes;
}

export type OpenedPacket = {
  readonly sender: string;
  readonly epoch: number;
  readonly counter: number;
  readonly payload: Buffer;
};

/** Why a packet was dropped before its messages were looked at. */
export type PacketDropReason = 'oversized' | 'truncated' | 'version' | 'unknownKey' | 'authFailed';

/** Encrypt and frame `payload` (the encoded messages). */
export function sealPacket(
  keyring: Keyring,
  sender: string,
  epoch: number,
  counter: number,
  payload: Buffer,
): Buffer {
  const nameLength = Buffer.byteLength(sender, 'utf8');
  const headerBytes = fixedHeaderBytes + nameLength;
  const out = Buffer.allocUnsafe(headerBytes + payload.length + tagBytes);
  out.writeUInt8(packetVersion, 0);
  const keyId = keyring.sendKeyId;
  out.writeUInt32BE(keyId, 1);
  writeEpoch(out, 5, epoch);
  out.writeUInt32BE(counter >>> 0, 13);
  out.writeUInt8(nameLength, 17);
  out.write(sender, 18, 'utf8');
  const key = keyring.senderKey(keyId, sender)!;
  keyring.remember(keyId, sender, key);
  const cipher = createCipheriv('aes-256-gcm', key, out.subarray(5, 17), { authTagLength: tagBytes });
  cipher.setAAD(out.subarray(0, headerBytes));
  const n = cipher.update(payload).copy(out, headerBytes);
  cipher.final();
  cipher.getAuthTag().copy(out, headerBytes + n);
  return out;
}

/** Authenticate and decrypt; never throws, whatever the bytes. */
export function openPacket(
  keyring: Keyring,
  packet: Buffer,
  maxPacketBytes: number,
): OpenedPacket | PacketDropReason {
  if (packet.length > maxPacketBytes) return 'oversized';
  if (packet.length < fixedHeaderBytes + tagBytes) return 'truncated';
  if (packet.readUInt8(0) !== packetVersion) return 'version';
  const nameLength = packet.readUInt8(17);
  const headerBytes = fixedHeaderBytes + nameLength;
  if (nameLength === 0 || packet.length < headerBytes + tagBytes) return 'truncated';
  const keyId = packet.readUInt32BE(1);
  const sender = packet.toString('utf8', 18, headerBytes);
  const key = keyring.senderKey(keyId, sender);
  if (key === undefined) return 'unknownKey';
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, packet.subarray(5, 17), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(packet.subarray(0, headerBytes));
    decipher.setAuthTag(packet.subarray(packet.length - tagBytes));
    const payload = decipher.update(packet.subarray(headerBytes, packet.length - tagBytes));
    // GCM is a stream mode: final() returns no bytes, it only checks the tag (throws on a bad one).
    decipher.final();
    keyring.remember(keyId, sender, key);
    return { sender, epoch: readEpoch(packet, 5), counter: packet.readUInt32BE(13), payload };
  } catch {
    return 'authFailed';
  }
}

function writeEpoch(buf: Buffer, offset: number, epoch: number): void {
  buf.writeUInt32BE(Math.floor(epoch / 2 ** 32) >>> 0, offset);
  buf.writeUInt32BE(epoch >>> 0, offset + 4);
}

function readEpoch(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) * 2 ** 32 + buf.readUInt32BE(offset + 4);
}
