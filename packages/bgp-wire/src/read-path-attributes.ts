/**
 * The Path Attributes field of an UPDATE (RFC 4271 section 4.3) with RFC 7606's error handling:
 * each malformed attribute becomes an AttributeProblem naming the reaction; the ones that need a
 * session reset throw BgpMessageError with the NOTIFICATION to send.
 *
 *   each attribute: flags (1) | type (1) | length (1, or 2 with Extended Length) | value
 */

import { type AttributeProblem, AttributeProblemCode } from './attribute-problem.ts';
import { copyBytes } from './copy-bytes.ts';
import { ErrorAction } from './error-action.ts';
import { BgpMessageError, BgpWireErrorCode } from './errors.ts';
import { NotificationCode, UpdateMessageErrorSubcode } from './notification-code.ts';
import {
  AttributeFlag,
  AttributeType,
  EXPECTED_FLAGS,
  type MpReachAttribute,
  type PathAttribute,
  TYPE_OF,
} from './path-attribute.ts';
import { readAttributeValue } from './read-attribute-value.ts';
import type { SessionOptions } from './session-options.ts';

/** Attribute types seen in the UPDATE being decoded, as a 256-bit set (reset per call). */
const seen = new Int32Array(8);
/** Optional/Transitive bits each known type code must carry; 0 for types this package keeps raw. */
const EXPECTED_FLAGS_BY_TYPE = new Uint8Array(256);
for (const [kind, type] of Object.entries(TYPE_OF)) {
  EXPECTED_FLAGS_BY_TYPE[type] = EXPECTED_FLAGS[kind as keyof typeof EXPECTED_FLAGS];
}

/**
 * What the last readPathAttributes call saw, for the mandatory-attribute check (RFC 7606
 * section 3) without another pass over the attribute objects. Read it right after the call.
 */
export const scan = {
  /** Bit n set: a well-formed attribute of type n (ORIGIN 1, AS_PATH 2, NEXT_HOP 3) was kept. */
  mandatory: 0,
  /** A kept MP_REACH_NLRI announces at least one route. */
  mpReachRoutes: false,
  /** A kept MP_REACH_NLRI or MP_UNREACH_NLRI exists. */
  mp: false,
};

/** Reused for every attribute: the value readers copy what they keep out of it. */
const span = { type: 0, at: 0, length: 0, start: 0 };

const OPTIONAL_TRANSITIVE = AttributeFlag.optional | AttributeFlag.transitive;

/** The NOTIFICATION subcode RFC 4271 section 6.3 / RFC 7606 name for each fatal problem. */
const SUBCODE: Partial<Record<AttributeProblem['code'], number>> = {
  [AttributeProblemCode.duplicateMp]: UpdateMessageErrorSubcode.malformedAttributeList,
  [AttributeProblemCode.overrun]: UpdateMessageErrorSubcode.malformedAttributeList,
  [AttributeProblemCode.unrecognizedWellKnown]: UpdateMessageErrorSubcode.unrecognizedWellKnownAttribute,
  [AttributeProblemCode.mpMalformed]: UpdateMessageErrorSubcode.optionalAttributeError,
};

function report(
  problems: AttributeProblem[],
  code: AttributeProblemCode,
  attributeType: number,
  action: ErrorAction,
  offset: number,
): void {
  problems.push({ code, attributeType, action, offset });
}

/** Throws the session-reset error for `problem`; `data` is the erroneous attribute (RFC 4271 section 6.3). */
export function throwSessionReset(problems: readonly AttributeProblem[], data: Uint8Array): never {
  const last = problems[problems.length - 1]!;
  const subcode = SUBCODE[last.code] ?? UpdateMessageErrorSubcode.malformedAttributeList;
  throw new BgpMessageError(
    last.code === AttributeProblemCode.mpMalformed
      ? BgpWireErrorCode.updateMalformedMpAttribute
      : BgpWireErrorCode.updateMalformedAttributeList,
    `path attribute ${last.attributeType}: ${last.code}`,
    last.offset,
    { code: NotificationCode.updateMessageError, subcode, data },
    problems.slice(),
  );
}

/**
 * Decodes `buf[at, end)`, appending findings to `problems` and the attributes kept to the result.
 * Stops at an overrun (RFC 7606 section 4); the caller decides whether the routes can still be
 * located to treat them as withdrawn.
 */
export function readPathAttributes(
  buf: Uint8Array,
  at: number,
  end: number,
  session: SessionOptions,
  problems: AttributeProblem[],
): PathAttribute[] {
  for (let i = 0; i < 8; i++) seen[i] = 0;
  scan.mandatory = 0;
  scan.mpReachRoutes = false;
  scan.mp = false;
  const attributes: PathAttribute[] = [];
  while (at < end) {
    const flags = buf[at]!;
    const extended = (flags & AttributeFlag.extendedLength) !== 0;
    const headerLength = extended ? 4 : 3;
    const type = at + 1 < end ? buf[at + 1]! : 0;
    // The header, then the value, must fit in what is left (RFC 7606 section 4).
    const length =
      at + headerLength > end ? -1 : extended ? (buf[at + 2]! << 8) | buf[at + 3]! : buf[at + 2]!;
    const valueAt = at + headerLength;
    const next = valueAt + length;
    if (length < 0 || next > end) {
      report(problems, AttributeProblemCode.overrun, type, ErrorAction.treatAsWithdraw, at);
      break;
    }
    const start = at;
    at = next;
    const isMp = type === AttributeType.mpReachNlri || type === AttributeType.mpUnreachNlri;
    const bit = 1 << (type & 31);
    if (seen[type >>> 5]! & bit) {
      if (isMp) {
        report(problems, AttributeProblemCode.duplicateMp, type, ErrorAction.sessionReset, start);
        throwSessionReset(problems, copyBytes(buf, start, next));
      }
      report(problems, AttributeProblemCode.duplicate, type, ErrorAction.attributeDiscard, start);
      continue;
    }
    seen[type >>> 5]! |= bit;
    // RFC 7606 section 3: Optional/Transitive bits in conflict with the definition: treat-as-withdraw.
    const expected = EXPECTED_FLAGS_BY_TYPE[type]!;
    if (expected !== 0 && (flags & OPTIONAL_TRANSITIVE) !== expected) {
      report(problems, AttributeProblemCode.flags, type, ErrorAction.treatAsWithdraw, start);
      continue;
    }
    span.type = type;
    span.at = valueAt;
    span.length = length;
    span.start = start;
    const result = readAttributeValue(buf, span, session, problems);
    if (result === null) {
      if ((flags & AttributeFlag.optional) === 0) {
        // An unrecognized well-known attribute (RFC 4271 section 6.3); MP ones of another family are optional.
        report(problems, AttributeProblemCode.unrecognizedWellKnown, type, ErrorAction.sessionReset, start);
        throwSessionReset(problems, copyBytes(buf, start, next));
      }
      const kept = (flags & 0xe0) | (extended && length < 256 ? AttributeFlag.extendedLength : 0);
      attributes.push({ kind: 'unknown', type, flags: kept, value: copyBytes(buf, valueAt, next) });
      continue;
    }
    if (result === undefined) {
      if (problems[problems.length - 1]!.action === ErrorAction.sessionReset) {
        throwSessionReset(problems, copyBytes(buf, start, next));
      }
      continue;
    }
    if (type <= AttributeType.nextHop) scan.mandatory |= 1 << type;
    else if (type === AttributeType.mpReachNlri)
      scan.mpReachRoutes = (result as MpReachAttribute).nlri.length > 0;
    if (type >= AttributeType.mpReachNlri && type <= AttributeType.mpUnreachNlri) scan.mp = true;
    if (extended && length < 256) (result as { extendedLength?: true }).extendedLength = true;
    if (flags & AttributeFlag.partial && expected === OPTIONAL_TRANSITIVE)
      (result as { partial?: true }).partial = true;
    attributes.push(result);
  }
  return attributes;
}
