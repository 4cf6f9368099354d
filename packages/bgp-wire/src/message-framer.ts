/**
 * Cuts a TCP byte stream into BGP messages (RFC 4271 section 4.1: the header's Length field is
 * the only delimiter). A message that lies whole inside the pushed chunk is handed out as a view
 * of that chunk, with no copy; only a message split across reads is copied, once, into a carry
 * buffer of the session's maximum message size.
 *
 *   framer.push(chunk);
 *   for (let m = framer.next(); m !== undefined; m = framer.next()) handle(decodeBgpMessage(m));
 *
 * A returned view is valid until the next `push` or `next`. A framing error (bad marker, length
 * out of range, unknown type) throws BgpMessageError; the stream cannot be resynchronized after
 * it, so the session sends the NOTIFICATION and closes.
 */
import {
  EXTENDED_MAX_MESSAGE_LENGTH_BYTES,
  HEADER_LENGTH_BYTES,
  MAX_MESSAGE_LENGTH_BYTES,
  readMessageHeader,
} from './message-header.ts';

const EMPTY = new Uint8Array(0);

export class MessageFramer {
  #maxMessageLength: number;
  /** Bytes copied out of earlier reads: `#carry[#carryStart, #carryLength)`. */
  #carry: Uint8Array = EMPTY;
  #carryStart = 0;
  #carryLength = 0;
  #chunk: Uint8Array = EMPTY;
  #chunkAt = 0;

  constructor(maxMessageLength: number = MAX_MESSAGE_LENGTH_BYTES) {
    this.#maxMessageLength = clampMaxLength(maxMessageLength);
  }

  /** Raise to 65535 once both sides sent the Extended Message capability (RFC 8654). */
  set maxMessageLength(value: number) {
    this.#maxMessageLength = clampMaxLength(value);
  }

  get maxMessageLength(): number {
    return this.#maxMessageLength;
  }

  /** Bytes received but not yet handed out as messages. */
  get bufferedBytes(): number {
    return this.#carryLength - this.#carryStart + this.#chunk.length - this.#chunkAt;
  }

  /** Adds received bytes. Bytes of an earlier chunk not yet consumed by `next` are copied first. */
  push(chunk: Uint8Array): void {
    if (this.#chunkAt < this.#chunk.length) this.#stash(this.#chunk.length - this.#chunkAt);
    this.#chunk = chunk;
    this.#chunkAt = 0;
  }

  /** The next complete message, or undefined until more bytes are pushed. */
  next(): Uint8Array | undefined {
    if (this.#carryLength > this.#carryStart) return this.#nextFromCarry();
    const chunk = this.#chunk;
    const at = this.#chunkAt;
    const remaining = chunk.length - at;
    if (remaining === 0) return undefined;
    if (remaining < HEADER_LENGTH_BYTES) {
      this.#stash(remaining);
      return undefined;
    }
    const length = readMessageHeader(chunk, at, chunk.length, this.#maxMessageLength);
    if (remaining < length) {
      this.#stash(remaining);
      return undefined;
    }
    this.#chunkAt = at + length;
    return chunk.subarray(at, at + length);
  }

  #nextFromCarry(): Uint8Array | undefined {
    const chunkLeft = () => this.#chunk.length - this.#chunkAt;
    let available = this.#carryLength - this.#carryStart;
    if (available < HEADER_LENGTH_BYTES) {
      this.#stash(Math.min(HEADER_LENGTH_BYTES - available, chunkLeft()));
      available = this.#carryLength - this.#carryStart;
      if (available < HEADER_LENGTH_BYTES) return undefined;
    }
    const start = this.#carryStart;
    const length = readMessageHeader(this.#carry, start, this.#carryLength, this.#maxMessageLength);
    if (available < length) {
      this.#stash(Math.min(length - available, chunkLeft()));
      if (this.#carryLength - this.#carryStart < length) return undefined;
    }
    const message = this.#carry.subarray(this.#carryStart, this.#carryStart + length);
    this.#carryStart += length;
    if (this.#carryStart === this.#carryLength) this.#carryStart = this.#carryLength = 0;
    return message;
  }

  /** Moves `count` bytes from the chunk to the carry buffer, first moving what it holds to its start. */
  #stash(count: number): void {
    if (this.#carryStart > 0) {
      this.#carry.copyWithin(0, this.#carryStart, this.#carryLength);
      this.#carryLength -= this.#carryStart;
      this.#carryStart = 0;
    }
    const needed = this.#carryLength + count;
    if (needed > this.#carry.length) {
      const grown = new Uint8Array(Math.max(needed, this.#maxMessageLength));
      grown.set(this.#carry.subarray(0, this.#carryLength));
      this.#carry = grown;
    }
    this.#carry.set(this.#chunk.subarray(this.#chunkAt, this.#chunkAt + count), this.#carryLength);
    this.#carryLength = needed;
    this.#chunkAt += count;
  }
}

function clampMaxLength(value: number): number {
  return Math.min(Math.max(value, MAX_MESSAGE_LENGTH_BYTES), EXTENDED_MAX_MESSAGE_LENGTH_BYTES);
}
