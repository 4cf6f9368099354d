import { LeaderError, LeaderErrorCode } from '../leader-error.ts';
import type { MemberState } from './member.ts';

/**
 * The protocol messages carried inside an authenticated packet; several fit in one packet
 * (a probe plus piggy-backed updates).
 *
 * Every message starts with a 1-byte type; integers are big-endian; a `name` or `address` is
 * 1 byte of UTF-8 length (1..255) followed by the bytes.
 *
 *   ping      1  seq u32, target name           probe; answered only by `target`
 *   ack       2  seq u32                        answer to ping (or forwarded for a ping-req)
 *   nack      3  seq u32                        intermediary could not reach the target (Lifeguard)
 *   pingReq   4  seq u32, target name, address  please probe target for me
 *   alive     5  incarnation u32, name, address
 *   suspect   6  incarnation u32, name, from name
 *   dead      7  incarnation u32, name, from name
 *   left      8  incarnation u32, name          graceful leave
 *   state     9  state u8, incarnation u32, name, address     one entry of a full-state exchange
 *   syncReq  10  (empty)                        reply with your full state
 */
export type Message =
  | { readonly type: 'ping'; readonly seq: number; readonly target: string }
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'nack'; readonly seq: number }
  | { readonly type: 'pingReq'; readonly seq: number; readonly target: string; readonly address: string }
  | { readonly type: 'alive'; readonly incarnation: number; readonly name: string; readonly address: string }
  | { readonly type: 'suspect'; readonly incarnation: number; readonly name: string; readonly from: string }
  | { readonly type: 'dead'; readonly incarnation: number; readonly name: string; readonly from: string }
  | { readonly type: 'left'; readonly incarnation: number; readonly name: string }
  | {
      readonly type: 'state';
      readonly state: MemberState;
      readonly incarnation: number;
      readonly name: string;
      readonly address: string;
    }
  | { readonly type: 'syncReq' };

const typeCode = {
  ping: 1,
  ack: 2,
  nack: 3,
  pingReq: 4,
  alive: 5,
  suspect: 6,
  dead: 7,
  left: 8,
  state: 9,
  syncReq: 10,
} as const;

const stateCode = { alive: 0, suspect: 1, dead: 2, left: 3 } as const;
const stateByCode: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];

/** Longest name or address, in UTF-8 bytes. */
export const maxFieldBytes = 255;

/** Bytes `m` takes on the wire. */
export function encodedMessageLength(m: Message): number {
  switch (m.type) {
    case 'ping':
      return 5 + fieldLength(m.target);
    case 'ack':
    case 'nack':
      return 5;
    case 'pingReq':
      return 5 + fieldLength(m.target) + fieldLength(m.address);
    case 'alive':
      return 5 + fieldLength(m.name) + fieldLength(m.address);
    case 'suspect':
    case 'dead':
      return 5 + fieldLength(m.name) + fieldLength(m.from);
    case 'left':
      return 5 + fieldLength(m.name);
    case 'state':
      return 6 + fieldLength(m.name) + fieldLength(m.address);
    case 'syncReq':
      return 1;
  }
}

/** Write `m` at `offset`; returns the offset after it. The caller checks room with encodedMessageLength. */
export function encodeMessageInto(m: Message, buf: Buffer, offset: number): number {
  let o = buf.writeUInt8(typeCode[m.type], offset);
  switch (m.type) {
    case 'ping':
      o = buf.writeUInt32BE(m.seq >>> 0, o);
      return writeField(m.target, buf, o);
    case 'ack':
    case 'nack':
      return buf.writeUInt32BE(m.seq >>> 0, o);
    case 'pingReq':
      o = buf.writeUInt32BE(m.seq >>> 0, o);
      o = writeField(m.target, buf, o);
      return writeField(m.address, buf, o);
    case 'alive':
      o = buf.writeUInt32BE(m.incarnation >>> 0, o);
      o = writeField(m.name, buf, o);
      return writeField(m.address, buf, o);
    case 'suspect':
    case 'dead':
      o = buf.writeUInt32BE(m.incarnation >>> 0, o);
      o = writeField(m.name, buf, o);
      return writeField(m.from, buf, o);
    case 'left':
      o = buf.writeUInt32BE(m.incarnation >>> 0, o);
      return writeField(m.name, buf, o);
    case 'state':
      o = buf.writeUInt8(stateCode[m.state], o);
      o = buf.writeUInt32BE(m.incarnation >>> 0, o);
      o = writeField(m.name, buf, o);
      return writeField(m.address, buf, o);
    case 'syncReq':
      return o;
  }
}

/** Every message in `buf`; throws `ERR_LEADER_MALFORMED_PACKET` on anything out of shape. */
export function decodeMessages(buf: Buffer): Message[] {
  const r = new Reader(buf);
  const out: Message[] = [];
  while (r.offset < buf.length) out.push(decodeOne(r));
  return out;
}

function decodeOne(r: Reader): Message {
  const at = r.offset;
  const code = r.u8('type');
  switch (code) {
    case typeCode.ping:
      return { type: 'ping', seq: r.u32('seq'), target: r.field('target') };
    case typeCode.ack:
      return { type: 'ack', seq: r.u32('seq') };
    case typeCode.nack:
      return { type: 'nack', seq: r.u32('seq') };
    case typeCode.pingReq:
      return { type: 'pingReq', seq: r.u32('seq'), target: r.field('target'), address: r.field('address') };
    case typeCode.alive:
      return {
        type: 'alive',
        incarnation: r.u32('incarnation'),
        name: r.field('name'),
        address: r.field('address'),
      };
    case typeCode.suspect:
      return {
        type: 'suspect',
        incarnation: r.u32('incarnation'),
        name: r.field('name'),
        from: r.field('from'),
      };
    case typeCode.dead:
      return {
        type: 'dead',
        incarnation: r.u32('incarnation'),
        name: r.field('name'),
        from: r.field('from'),
      };
    case typeCode.left:
      return { type: 'left', incarnation: r.u32('incarnation'), name: r.field('name') };
    case typeCode.state: {
      const s = r.u8('state');
      const state = stateByCode[s];
      if (state === undefined) throw malformed(`unknown member state ${s}`, at, 'state');
      return {
        type: 'state',
        state,
        incarnation: r.u32('incarnation'),
        name: r.field('name'),
        address: r.field('address'),
      };
    }
    case typeCode.syncReq:
      return { type: 'syncReq' };
    default:
      throw malformed(`unknown message type ${code}`, at, 'type');
  }
}

function fieldLength(s: string): number {
  return 1 + Buffer.byteLength(s, 'utf8');
}

function writeField(s: string, buf: Buffer, offset: number): number {
  const n = buf.write(s, offset + 1, 'utf8');
  buf.writeUInt8(n, offset);
  return offset + 1 + n;
}

class Reader {
  offset = 0;
  readonly #buf: Buffer;
  constructor(buf: Buffer) {
    this.#buf = buf;
  }
  #need(n: number, field: string): void {
    if (this.offset + n > this.#buf.length) {
      throw malformed(`message field "${field}" truncated`, this.offset, field, {
        needed: n,
        available: this.#buf.length - this.offset,
      });
    }
  }
  u8(field: string): number {
    this.#need(1, field);
    return this.#buf.readUInt8(this.offset++);
  }
  u32(field: string): number {
    this.#need(4, field);
    const v = this.#buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  field(field: string): string {
    const n = this.u8(field);
    if (n === 0) throw malformed(`message field "${field}" is empty`, this.offset - 1, field);
    this.#need(n, field);
    const s = this.#buf.toString('utf8', this.offset, this.offset + n);
    // Invalid UTF-8 would re-encode to a different length; refuse it rather than carry it on.
    if (Buffer.byteLength(s, 'utf8') !== n)
      throw malformed(`message field "${field}" is not UTF-8`, this.offset, field);
    this.offset += n;
    return s;
  }
}

function malformed(message: string, offset: number, field: string, extra: Record<string, unknown> = {}) {
  return new LeaderError(LeaderErrorCode.malformedPacket, message, {
    layer: 'message',
    offset,
    field,
    ...extra,
  });
}
