/**
 * BFD control packet codec (RFC 5880 §4.1, authentication sections §4.2-§4.4).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * |                       My Discriminator                        |
 * |                      Your Discriminator                       |
 * |                    Desired Min TX Interval                    |  (microseconds)
 * |                   Required Min RX Interval                    |  (microseconds)
 * |                 Required Min Echo RX Interval                 |  (microseconds)
 * |   Auth Type   |   Auth Len    |    Authentication Data...     |  (only when A is set)
 *
 * The decoder applies the length rules of §6.8.6 that need no session (version, Length against
 * the A bit and the datagram, Detect Mult, M bit, My Discriminator, Auth Len per type) and throws
 * BfdDecodeError for a violation; session-dependent rules live in validatePacket.
 */
import { AuthSection } from './auth-section.ts';
import { BFD_MANDATORY_LENGTH_BYTES, BFD_VERSION, type BfdState } from './bfd-constants.ts';
import { BfdDecodeError, BfdErrorCode } from './bfd-error.ts';

export type ControlPacket = {
  readonly version: number;
  readonly diagnostic: number;
  readonly state: BfdState;
  readonly poll: boolean;
  readonly final: boolean;
  readonly controlPlaneIndependent: boolean;
  readonly demand: boolean;
  readonly multipoint: boolean;
  readonly detectMultiplier: number;
  readonly myDiscriminator: number;
  readonly yourDiscriminator: number;
  readonly desiredMinTxIntervalUs: number;
  readonly requiredMinRxIntervalUs: number;
  readonly requiredMinEchoRxIntervalUs: number;
  /** Present exactly when the A bit is set. */
  readonly auth: AuthSection | undefined;
};

const FLAG_POLL = 0x20;
const FLAG_FINAL = 0x10;
const FLAG_CPI = 0x08;
const FLAG_AUTH = 0x04;
const FLAG_DEMAND = 0x02;
const FLAG_MULTIPOINT = 0x01;

/** Bytes `encodeControlPacketInto` writes for `packet`. */
export function controlPacketEncodedLength(packet: ControlPacket): number {
  return (
    BFD_MANDATORY_LENGTH_BYTES + (packet.auth === undefined ? 0 : AuthSection.encodedLength(packet.auth))
  );
}

/**
 * Writes `packet` at `offset` and returns the bytes written. The A bit and Length come from
 * `packet.auth`; a digest field is written as given (sign it afterwards with signPacketInto).
 */
export function encodeControlPacketInto(packet: ControlPacket, buf: Uint8Array, offset: number): number {
  const length = controlPacketEncodedLength(packet);
  if (buf.length - offset < length) throw new RangeError(`bfd: encode needs ${length} bytes at ${offset}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf[offset] = ((packet.version & 0x07) << 5) | (packet.diagnostic & 0x1f);
  buf[offset + 1] =
    ((packet.state & 0x03) << 6) |
    (packet.poll ? FLAG_POLL : 0) |
    (packet.final ? FLAG_FINAL : 0) |
    (packet.controlPlaneIndependent ? FLAG_CPI : 0) |
    (packet.auth !== undefined ? FLAG_AUTH : 0) |
    (packet.demand ? FLAG_DEMAND : 0) |
    (packet.multipoint ? FLAG_MULTIPOINT : 0);
  buf[offset + 2] = packet.detectMultiplier & 0xff;
  buf[offset + 3] = length;
  view.setUint32(offset + 4, packet.myDiscriminator >>> 0);
  view.setUint32(offset + 8, packet.yourDiscriminator >>> 0);
  view.setUint32(offset + 12, packet.desiredMinTxIntervalUs >>> 0);
  view.setUint32(offset + 16, packet.requiredMinRxIntervalUs >>> 0);
  view.setUint32(offset + 20, packet.requiredMinEchoRxIntervalUs >>> 0);
  if (packet.auth !== undefined)
    AuthSection.encodeInto(packet.auth, buf, offset + BFD_MANDATORY_LENGTH_BYTES);
  return length;
}

/** `packet` in a new, exactly sized Buffer. */
export function encodeControlPacket(packet: ControlPacket): Buffer {
  const buf = Buffer.alloc(controlPacketEncodedLength(packet));
  encodeControlPacketInto(packet, buf, 0);
  return buf;
}

/**
 * Decodes one control packet from `buf[offset, end)` (a whole UDP payload). Bytes after Length
 * are ignored (RFC 5880 §6.8.6 only requires Length <= payload). The result shares no memory
 * with `buf`.
 */
export function decodeControlPacket(buf: Uint8Array, offset = 0, end = buf.length): ControlPacket {
  const available = end - offset;
  if (available < BFD_MANDATORY_LENGTH_BYTES) {
    throw new BfdDecodeError(BfdErrorCode.truncated, {
      offset,
      field: 'mandatory section',
      needed: BFD_MANDATORY_LENGTH_BYTES,
      available,
    });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = buf[offset]! >> 5;
  if (version !== BFD_VERSION) malformed(offset, 'version', `${version}, expected ${BFD_VERSION}`);
  const flags = buf[offset + 1]!;
  const hasAuth = (flags & FLAG_AUTH) !== 0;
  const length = buf[offset + 3]!;
  const minimum = BFD_MANDATORY_LENGTH_BYTES + (hasAuth ? 2 : 0);
  if (length < minimum) malformed(offset + 3, 'length', `${length} < ${minimum}`);
  if (length > available) {
    throw new BfdDecodeError(BfdErrorCode.truncated, { offset, field: 'length', needed: length, available });
  }
  const detectMultiplier = buf[offset + 2]!;
  if (detectMultiplier === 0) malformed(offset + 2, 'detectMultiplier', 'zero');
  if ((flags & FLAG_MULTIPOINT) !== 0) malformed(offset + 1, 'multipoint', 'M bit set');
  const myDiscriminator = view.getUint32(offset + 4);
  if (myDiscriminator === 0) malformed(offset + 4, 'myDiscriminator', 'zero');
  const authOffset = offset + BFD_MANDATORY_LENGTH_BYTES;
  const auth = hasAuth ? AuthSection.decode(buf, authOffset, offset + length) : undefined;
  return {
    version,
    diagnostic: buf[offset]! & 0x1f,
    state: (flags >> 6) as BfdState,
    poll: (flags & FLAG_POLL) !== 0,
    final: (flags & FLAG_FINAL) !== 0,
    controlPlaneIndependent: (flags & FLAG_CPI) !== 0,
    demand: (flags & FLAG_DEMAND) !== 0,
    multipoint: false,
    detectMultiplier,
    myDiscriminator,
    yourDiscriminator: view.getUint32(offset + 8),
    desiredMinTxIntervalUs: view.getUint32(offset + 12),
    requiredMinRxIntervalUs: view.getUint32(offset + 16),
    requiredMinEchoRxIntervalUs: view.getUint32(offset + 20),
    auth,
  };
}

function malformed(offset: number, field: string, detail: string): never {
  throw new BfdDecodeError(BfdErrorCode.malformed, { offset, field, detail });
}
