/**
 * NDP options (RFC 4861 section 4.6): type (1 byte), length in units of 8 bytes (1 byte), body.
 * Source and Target Link-Layer Address options for Ethernet (length 1, RFC 2464 section 6) are
 * decoded to a MAC; every other option, including a link-layer option of another length, is
 * kept raw so it re-encodes unchanged.
 *
 *   0      1      2                         8
 *   +------+------+-------------------------+
 *   | type | len  | link-layer address (6)  |
 *   +------+------+-------------------------+
 */
import { ArpWireErrorCode, MalformedError, requireBytes, WireLayer } from './errors.ts';
import { type MacAddress, readMac, writeMac } from './mac-address.ts';

/** Option types (RFC 4861 section 4.6). */
export const NdpOptionType = {
  sourceLinkLayerAddress: 1,
  targetLinkLayerAddress: 2,
} as const;
export type NdpOptionType = (typeof NdpOptionType)[keyof typeof NdpOptionType];

/** Source (type 1) or Target (type 2) Link-Layer Address option carrying an Ethernet MAC. */
export type LinkLayerAddressOption = {
  readonly kind: 'sourceLinkLayerAddress' | 'targetLinkLayerAddress';
  readonly mac: MacAddress;
};

/** Any other option, as its type and the bytes after the length byte (length * 8 - 2 bytes). */
export type RawNdpOption = {
  readonly kind: 'raw';
  readonly type: number;
  /** Its length is 6 mod 8 (the option's 8-byte units minus the type and length bytes). */
  readonly body: Uint8Array;
};

export type NdpOption = LinkLayerAddressOption | RawNdpOption;

const OPTION_UNIT_BYTES = 8;
const MAX_OPTION_UNITS = 255;

/** Shared by every message without options; frozen so no caller can change it for the others. */
export const NO_NDP_OPTIONS: readonly NdpOption[] = Object.freeze([]);

export function sourceLinkLayerAddressOption(mac: MacAddress): LinkLayerAddressOption {
  return { kind: 'sourceLinkLayerAddress', mac };
}

export function targetLinkLayerAddressOption(mac: MacAddress): LinkLayerAddressOption {
  return { kind: 'targetLinkLayerAddress', mac };
}

/** Encoded bytes of one option; a raw body is rounded up to whole 8-byte units. */
export function ndpOptionEncodedLength(option: NdpOption): number {
  if (option.kind !== 'raw') return OPTION_UNIT_BYTES;
  return (
    Math.min(Math.ceil((option.body.length + 2) / OPTION_UNIT_BYTES), MAX_OPTION_UNITS) * OPTION_UNIT_BYTES
  );
}

export function ndpOptionsEncodedLength(options: readonly NdpOption[]): number {
  let length = 0;
  for (let i = 0; i < options.length; i++) length += ndpOptionEncodedLength(options[i]!);
  return length;
}

/**
 * Writes `options` at `offset` without a room check and returns the bytes written. A raw body
 * whose length is not 6 mod 8 is zero-padded to the next unit; a body too long for the 1-byte
 * length field (over 2038 bytes) is written truncated to 255 units.
 */
export function writeNdpOptions(options: readonly NdpOption[], buf: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (option.kind === 'raw') {
      const length = ndpOptionEncodedLength(option);
      buf[at] = option.type;
      buf[at + 1] = length / OPTION_UNIT_BYTES;
      const bodyLength = Math.min(option.body.length, length - 2);
      buf.set(option.body.subarray(0, bodyLength), at + 2);
      buf.fill(0, at + 2 + bodyLength, at + length);
      at += length;
    } else {
      buf[at] =
        option.kind === 'sourceLinkLayerAddress'
          ? NdpOptionType.sourceLinkLayerAddress
          : NdpOptionType.targetLinkLayerAddress;
      buf[at + 1] = 1;
      writeMac(buf, at + 2, option.mac);
      at += OPTION_UNIT_BYTES;
    }
  }
  return at - offset;
}

/** Decodes the options in `buf[offset, end)`, which must hold whole options and nothing else. */
export function decodeNdpOptions(buf: Uint8Array, offset: number, end: number): readonly NdpOption[] {
  if (offset >= end) return NO_NDP_OPTIONS;
  const options: NdpOption[] = [];
  let at = offset;
  while (at < end) {
    requireBytes(ArpWireErrorCode.ndpTruncated, WireLayer.ndp, at, 2, end);
    const type = buf[at]!;
    const units = buf[at + 1]!;
    // RFC 4861 section 4.6: "Nodes MUST silently discard an ND packet that contains an option with
    // length zero." (a zero length would also never advance the loop).
    if (units === 0) {
      throw new MalformedError(
        ArpWireErrorCode.ndpOptionZeroLength,
        WireLayer.ndp,
        at + 1,
        'optionLength',
        0,
        '>= 1',
      );
    }
    const length = units * OPTION_UNIT_BYTES;
    requireBytes(ArpWireErrorCode.ndpTruncated, WireLayer.ndp, at, length, end);
    if (units === 1 && type === NdpOptionType.sourceLinkLayerAddress) {
      options.push({ kind: 'sourceLinkLayerAddress', mac: readMac(buf, at + 2) });
    } else if (units === 1 && type === NdpOptionType.targetLinkLayerAddress) {
      options.push({ kind: 'targetLinkLayerAddress', mac: readMac(buf, at + 2) });
    } else {
      options.push({ kind: 'raw', type, body: new Uint8Array(buf.subarray(at + 2, at + length)) });
    }
    at += length;
  }
  return options;
}

/** The MAC of the first option of `kind`, or undefined. */
export function findLinkLayerAddress(
  options: readonly NdpOption[],
  kind: LinkLayerAddressOption['kind'],
): MacAddress | undefined {
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (option.kind === kind) return option.mac;
  }
  return undefined;
}
