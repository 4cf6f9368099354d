import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { LeaderError, LeaderErrorCode } from '../leader-error.ts';

/** Shortest shared secret accepted, in bytes (128 bits of entropy at best). */
export const minSecretBytes = 16;
const senderKeyCacheSize = 1_024;

type Key = { readonly id: number; readonly master: Buffer; readonly senders: Map<string, KeyObject> };

/**
 * The shared secrets of a cluster, turned into AES-256-GCM keys with HKDF-SHA256 (RFC 5869).
 *
 * Each secret yields a master key and a 32-bit key id (sent in clear so the receiver picks the key
 * without trial decryption). Each sender encrypts under its own subkey, HKDF(master, "sender " + name):
 * nonces are then the sender's (epoch, counter) pair, unique per subkey by construction, instead of
 * random 96-bit values whose collision bound (2^32 packets per key, NIST SP 800-38D) a busy cluster
 * would reach in weeks.
 *
 * Packets are sent with the first key and accepted under any, so a rotation is: add the new secret
 * second everywhere, then move it first everywhere, then drop the old one.
 */
export class Keyring {
  readonly #keys: readonly Key[];
  readonly #onRemember: ((keyId: number, sender: string, subkey: KeyObject) => void) | undefined;

  /** `onRemember` hears of each subkey the cache takes in (see remember). */
  constructor(
    secrets: readonly (string | Uint8Array)[],
    onRemember?: (keyId: number, sender: string, subkey: KeyObject) => void,
  ) {
    this.#onRemember = onRemember;
    if (secrets.length === 0) {
      throw new LeaderError(LeaderErrorCode.invalidKey, 'membership needs at least one shared secret', {});
    }
    this.#keys = secrets.map((secret, index) => {
      const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
      if (ikm.length < minSecretBytes) {
        throw new LeaderError(
          LeaderErrorCode.invalidKey,
          `membership secret #${index} has ${ikm.length} bytes; need at least ${minSecretBytes}`,
          { index, bytes: ikm.length },
        );
      }
      const master = derive(ikm, 'baremetal-lb membership v1 master', 32);
      const id = derive(ikm, 'baremetal-lb membership v1 key id', 4).readUInt32BE(0);
      return { id, master, senders: new Map<string, KeyObject>() };
    });
  }

  /** Id of the key used for sending. */
  get sendKeyId(): number {
    return this.#keys[0]!.id;
  }

  /** The subkey `sender` encrypts with under key `keyId`, or undefined for an unknown key id. */
  senderKey(keyId: number, sender: string): KeyObject | undefined {
    const key = this.#keys.find((k) => k.id === keyId);
    if (key === undefined) return undefined;
    const cached = key.senders.get(sender);
    if (cached !== undefined) return cached;
    // A KeyObject, because importing raw key bytes on every packet costs more than the AES itself.
    return createSecretKey(derive(key.master, `sender ${sender}`, 32));
  }

  /** Remember a subkey once a packet proved it is in use (forged names never fill the cache). */
  remember(keyId: number, sender: string, subkey: KeyObject): void {
    const key = this.#keys.find((k) => k.id === keyId);
    if (key === undefined || key.senders.has(sender)) return;
    if (key.senders.size >= senderKeyCacheSize) key.senders.delete(key.senders.keys().next().value!);
    key.senders.set(sender, subkey);
    this.#onRemember?.(keyId, sender, subkey);
  }
}

function derive(ikm: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, 'baremetal-lb', info, length));
}
