/**
 * OPEN (RFC 4271 section 4.2):
 *
 *   +---------+-----------------+-----------+--------------------+------------------+
 *   | Version | My AS (2)       | Hold Time | BGP Identifier (4) | Opt Parm Len (1) |
 *   +---------+-----------------+-----------+--------------------+------------------+
 *   | Optional Parameters: type (1), length (1), value; type 2 = Capabilities (RFC 5492)
 *
 * Parameters are kept in order and grouped as sent, so a decoded OPEN re-encodes byte for byte
 * (BIRD puts all capabilities in one parameter, GoBGP one per parameter).
 */

import { type Capability, capabilityValueLength, readCapability, writeCapability } from './capability.ts';
import { copyBytes } from './copy-bytes.ts';
import { BgpMessageError, BgpWireError, BgpWireErrorCode } from './errors.ts';
import { HEADER_LENGTH_BYTES, MessageType } from './message-header.ts';
import { NotificationCode, OpenMessageErrorSubcode, UNSPECIFIC_SUBCODE } from './notification-code.ts';
import { readUint32, writeUint32 } from './uint32.ts';

export const BGP_VERSION = 4;
/** RFC 6793 section 9: the 2-octet AS a 4-octet speaker puts in My AS when its ASN does not fit. */
export const AS_TRANS = 23456;
const CAPABILITIES_PARAMETER = 2;

export type CapabilitiesParameter = {
  readonly kind: 'capabilities';
  readonly capabilities: readonly Capability[];
};
/** An optional parameter other than capabilities (e.g. the obsolete authentication parameter). */
export type RawParameter = { readonly kind: 'raw'; readonly type: number; readonly value: Uint8Array };
export type OptionalParameter = CapabilitiesParameter | RawParameter;

export type OpenMessage = {
  readonly type: typeof MessageType.open;
  /** The 2-octet My AS field: the ASN, or AS_TRANS when it needs 4 octets. */
  readonly myAs: number;
  /** Seconds; 0 or at least 3 (RFC 4271 section 4.2). */
  readonly holdTime: number;
  readonly bgpIdentifier: number;
  readonly parameters: readonly OptionalParameter[];
};

/** All capabilities of `open`, across its parameters, in order. */
export function openCapabilities(open: OpenMessage): Capability[] {
  return open.parameters.flatMap((parameter) =>
    parameter.kind === 'capabilities' ? parameter.capabilities : [],
  );
}

/** The sender's ASN: from the 4-octet AS capability when present, else My AS (RFC 6793 section 4.1). */
export function openAsn(open: OpenMessage): number {
  for (const capability of openCapabilities(open))
    if (capability.kind === 'fourOctetAs') return capability.asn;
  return open.myAs;
}

function parameterValueLength(parameter: OptionalParameter): number {
  if (parameter.kind === 'raw') return parameter.value.length;
  let length = 0;
  for (const capability of parameter.capabilities) length += 2 + capabilityValueLength(capability);
  return length;
}

/** One-octet length fields (RFC 4271 section 4.2; RFC 9072's extended form is not supported). */
const MAX_PARAMETERS_LENGTH = 255;

/**
 * Throws ERR_BGP_ENCODE_TOO_LONG when a parameter or the whole parameter block would not fit its
 * one-octet length field (too many capabilities for one OPEN).
 */
export function checkOpenFits(open: OpenMessage): void {
  let total = 0;
  for (const parameter of open.parameters) {
    const length = parameterValueLength(parameter);
    if (length > MAX_PARAMETERS_LENGTH) {
      throw new BgpWireError(
        BgpWireErrorCode.encodeTooLong,
        `OPEN optional parameter of ${length} bytes exceeds ${MAX_PARAMETERS_LENGTH}: split its capabilities over several parameters`,
      );
    }
    total += 2 + length;
  }
  if (total > MAX_PARAMETERS_LENGTH) {
    throw new BgpWireError(
      BgpWireErrorCode.encodeTooLong,
      `OPEN optional parameters of ${total} bytes exceed ${MAX_PARAMETERS_LENGTH} (RFC 9072 extended parameters are not supported)`,
    );
  }
}

export function openEncodedLength(open: OpenMessage): number {
  let length = HEADER_LENGTH_BYTES + 10;
  for (const parameter of open.parameters) length += 2 + parameterValueLength(parameter);
  return length;
}

/** Writes the body after the header at `at` (the caller wrote the header and checked room). */
export function writeOpenBody(open: OpenMessage, buf: Uint8Array, at: number): number {
  buf[at] = BGP_VERSION;
  buf[at + 1] = open.myAs >>> 8;
  buf[at + 2] = open.myAs & 0xff;
  buf[at + 3] = open.holdTime >>> 8;
  buf[at + 4] = open.holdTime & 0xff;
  writeUint32(buf, at + 5, open.bgpIdentifier);
  const lengthAt = at + 9;
  let p = at + 10;
  for (const parameter of open.parameters) {
    buf[p] = parameter.kind === 'raw' ? parameter.type : CAPABILITIES_PARAMETER;
    buf[p + 1] = parameterValueLength(parameter);
    p += 2;
    if (parameter.kind === 'raw') {
      buf.set(parameter.value, p);
      p += parameter.value.length;
    } else {
      for (const capability of parameter.capabilities) p = writeCapability(buf, p, capability);
    }
  }
  buf[lengthAt] = p - lengthAt - 1;
  return p;
}

function openError(
  code: BgpWireErrorCode,
  detail: string,
  offset: number,
  subcode: number,
  data?: Uint8Array,
) {
  return new BgpMessageError(code, detail, offset, {
    code: NotificationCode.openMessageError,
    subcode,
    ...(data === undefined ? {} : { data }),
  });
}

/** Reads the body `buf[at, end)` of an OPEN whose header was checked (RFC 4271 section 6.2). */
export function readOpenBody(buf: Uint8Array, at: number, end: number): OpenMessage {
  const version = buf[at]!;
  if (version !== BGP_VERSION) {
    // Data: the largest locally supported version, as 2 octets.
    throw openError(
      BgpWireErrorCode.openUnsupportedVersion,
      `version ${version}`,
      at,
      OpenMessageErrorSubcode.unsupportedVersionNumber,
      Uint8Array.of(0, BGP_VERSION),
    );
  }
  const holdTime = (buf[at + 3]! << 8) | buf[at + 4]!;
  if (holdTime === 1 || holdTime === 2) {
    throw openError(
      BgpWireErrorCode.openBadHoldTime,
      `hold time ${holdTime}`,
      at + 3,
      OpenMessageErrorSubcode.unacceptableHoldTime,
    );
  }
  const bgpIdentifier = readUint32(buf, at + 5);
  // RFC 6286 section 2.1: any non-zero 4-octet value is a valid identifier.
  if (bgpIdentifier === 0) {
    throw openError(
      BgpWireErrorCode.openBadIdentifier,
      'BGP identifier 0',
      at + 5,
      OpenMessageErrorSubcode.badBgpIdentifier,
    );
  }
  const parametersEnd = at + 10 + buf[at + 9]!;
  if (parametersEnd !== end) {
    throw openError(
      BgpWireErrorCode.openMalformedParameters,
      `optional parameters length ${buf[at + 9]} disagrees with the message length`,
      at + 9,
      UNSPECIFIC_SUBCODE,
    );
  }
  const parameters: OptionalParameter[] = [];
  let p = at + 10;
  while (p < parametersEnd) {
    if (p + 2 > parametersEnd || p + 2 + buf[p + 1]! > parametersEnd) {
      throw openError(
        BgpWireErrorCode.openMalformedParameters,
        'optional parameter overruns',
        p,
        UNSPECIFIC_SUBCODE,
      );
    }
    const type = buf[p]!;
    const valueEnd = p + 2 + buf[p + 1]!;
    if (type === CAPABILITIES_PARAMETER) {
      const capabilities: Capability[] = [];
      let c = p + 2;
      while (c < valueEnd) {
        if (c + 2 > valueEnd || c + 2 + buf[c + 1]! > valueEnd) {
          throw openError(
            BgpWireErrorCode.openMalformedCapability,
            'capability overruns',
            c,
            UNSPECIFIC_SUBCODE,
          );
        }
        capabilities.push(readCapability(buf, buf[c]!, c + 2, buf[c + 1]!));
        c += 2 + buf[c + 1]!;
      }
      parameters.push({ kind: 'capabilities', capabilities });
    } else {
      parameters.push({ kind: 'raw', type, value: copyBytes(buf, p + 2, valueEnd) });
    }
    p = valueEnd;
  }
  return {
    type: MessageType.open,
    myAs: (buf[at + 1]! << 8) | buf[at + 2]!,
    holdTime,
    bgpIdentifier,
    parameters,
  };
}
