/**
 * UPDATE (RFC 4271 section 4.3):
 *
 *   +-----------------------------+-------------------------+---------------------------+
 *   | Withdrawn Routes Length (2) | Withdrawn Routes (var)  | Total Path Attr Len (2)   |
 *   +-----------------------------+-------------------------+---------------------------+
 *   | Path Attributes (var)       | NLRI (var, to the end of the message)               |
 *
 * Decoding applies RFC 7606: `problems` lists what was wrong and `action` the reaction, the
 * strongest of them (absent for a clean UPDATE). Session-reset errors throw BgpMessageError.
 */

import { type AttributeProblem, AttributeProblemCode } from './attribute-problem.ts';
import { copyBytes } from './copy-bytes.ts';
import { ErrorAction, strongerAction } from './error-action.ts';
import { BgpMessageError, BgpWireErrorCode } from './errors.ts';
import { HEADER_LENGTH_BYTES, MessageType } from './message-header.ts';
import { NotificationCode, UpdateMessageErrorSubcode } from './notification-code.ts';
import { AttributeType, type PathAttribute } from './path-attribute.ts';
import { type Ipv4Prefix, prefixesEncodedLength, readIpv4Prefixes, writeIpv4Prefixes } from './prefix.ts';
import { readPathAttributes, scan, throwSessionReset } from './read-path-attributes.ts';
import type { SessionOptions } from './session-options.ts';
import { pathAttributesEncodedLength, writePathAttributes } from './write-path-attributes.ts';

export type UpdateMessage = {
  readonly type: typeof MessageType.update;
  /** Withdrawn Routes field: IPv4 unicast only (RFC 4271); other families use MP_UNREACH_NLRI. */
  readonly withdrawn: readonly Ipv4Prefix[];
  readonly attributes: readonly PathAttribute[];
  /** NLRI field: IPv4 unicast only; other families use MP_REACH_NLRI. */
  readonly nlri: readonly Ipv4Prefix[];
  /** Decode only: the RFC 7606 findings, present when there was at least one. */
  readonly problems?: readonly AttributeProblem[];
  /** Decode only: the strongest reaction the problems call for (attribute discard or treat-as-withdraw). */
  readonly action?: ErrorAction;
};

export function updateEncodedLength(update: UpdateMessage, session: SessionOptions): number {
  return (
    HEADER_LENGTH_BYTES +
    4 +
    prefixesEncodedLength(update.withdrawn) +
    pathAttributesEncodedLength(update.attributes, session) +
    prefixesEncodedLength(update.nlri)
  );
}

/** Writes the body after the header at `at` (the caller wrote the header and checked room). */
export function writeUpdateBody(
  update: UpdateMessage,
  buf: Uint8Array,
  at: number,
  session: SessionOptions,
): number {
  const withdrawnEnd = writeIpv4Prefixes(buf, at + 2, update.withdrawn);
  const withdrawnLength = withdrawnEnd - at - 2;
  buf[at] = withdrawnLength >>> 8;
  buf[at + 1] = withdrawnLength & 0xff;
  const attributesEnd = writePathAttributes(buf, withdrawnEnd + 2, update.attributes, session);
  const attributesLength = attributesEnd - withdrawnEnd - 2;
  buf[withdrawnEnd] = attributesLength >>> 8;
  buf[withdrawnEnd + 1] = attributesLength & 0xff;
  return writeIpv4Prefixes(buf, attributesEnd, update.nlri);
}

/**
 * Shared by every decoded UPDATE without withdrawals (most of them): one allocation less per
 * message. Frozen, so the sharing cannot leak a change from one message into another.
 */
const NO_PREFIXES = Object.freeze([]) as unknown as Ipv4Prefix[];
/** Findings of the UPDATE being decoded; copied into the result only when there are any. */
const scratchProblems: AttributeProblem[] = [];

const NLRI_MANDATORY = [AttributeType.origin, AttributeType.asPath, AttributeType.nextHop];
const MP_ONLY_MANDATORY = [AttributeType.origin, AttributeType.asPath];

function invalidNetworkField(offset: number): BgpMessageError {
  // RFC 7606 section 5.3: an NLRI or Withdrawn Routes field that does not parse resets the session.
  return new BgpMessageError(BgpWireErrorCode.updateInvalidNetworkField, 'prefix does not parse', offset, {
    code: NotificationCode.updateMessageError,
    subcode: UpdateMessageErrorSubcode.invalidNetworkField,
  });
}

function malformedAttributeList(detail: string, offset: number): BgpMessageError {
  return new BgpMessageError(BgpWireErrorCode.updateMalformedAttributeList, detail, offset, {
    code: NotificationCode.updateMessageError,
    subcode: UpdateMessageErrorSubcode.malformedAttributeList,
  });
}

/** RFC 7606 section 3: ORIGIN and AS_PATH with any announced route, NEXT_HOP with NLRI-field routes. */
function checkMandatory(hasNlri: boolean, offset: number, problems: AttributeProblem[]): void {
  if (!hasNlri && !scan.mpReachRoutes) return;
  for (const attributeType of hasNlri ? NLRI_MANDATORY : MP_ONLY_MANDATORY) {
    if ((scan.mandatory & (1 << attributeType)) === 0) {
      problems.push({
        code: AttributeProblemCode.missingMandatory,
        attributeType,
        action: ErrorAction.treatAsWithdraw,
        offset,
      });
    }
  }
}

/** Reads the body `buf[at, end)` of an UPDATE whose header was checked. */
export function readUpdateBody(
  buf: Uint8Array,
  at: number,
  end: number,
  session: SessionOptions,
): UpdateMessage {
  const withdrawnLength = (buf[at]! << 8) | buf[at + 1]!;
  const withdrawnEnd = at + 2 + withdrawnLength;
  // RFC 4271 section 6.3: field lengths that exceed the message: Malformed Attribute List.
  if (withdrawnEnd + 2 > end) throw malformedAttributeList('withdrawn routes length exceeds the message', at);
  let withdrawn: Ipv4Prefix[] = NO_PREFIXES;
  if (withdrawnLength > 0) {
    withdrawn = [];
    const badWithdrawn = readIpv4Prefixes(buf, at + 2, withdrawnEnd, withdrawn);
    if (badWithdrawn !== -1) throw invalidNetworkField(badWithdrawn);
  }
  const attributesLength = (buf[withdrawnEnd]! << 8) | buf[withdrawnEnd + 1]!;
  const attributesAt = withdrawnEnd + 2;
  const attributesEnd = attributesAt + attributesLength;
  if (attributesEnd > end)
    throw malformedAttributeList('total path attribute length exceeds the message', withdrawnEnd);
  const nlri: Ipv4Prefix[] = [];
  const badNlri = readIpv4Prefixes(buf, attributesEnd, end, nlri);
  if (badNlri !== -1) throw invalidNetworkField(badNlri);

  const problems = scratchProblems;
  // Both guarded: setting length and reading index -1 of an empty array take V8's slow paths.
  if (problems.length !== 0) problems.length = 0;
  const attributes = readPathAttributes(buf, attributesAt, attributesEnd, session, problems);
  const last = problems.length === 0 ? undefined : problems[problems.length - 1];
  if (last?.code !== AttributeProblemCode.overrun) {
    checkMandatory(nlri.length > 0, attributesAt, problems);
  } else if (nlri.length === 0 && withdrawn.length === 0 && !scan.mp) {
    // RFC 7606 sections 4 and 5: treat-as-withdraw needs every route located. After an overrun
    // the unparsed rest may have held MP_REACH/MP_UNREACH; with no route found at all, reset.
    problems[problems.length - 1] = { ...last, action: ErrorAction.sessionReset };
    throwSessionReset(problems, copyBytes(buf, last.offset, attributesEnd));
  }
  if (problems.length === 0) return { type: MessageType.update, withdrawn, attributes, nlri };
  let action: ErrorAction = ErrorAction.attributeDiscard;
  for (const problem of problems) action = strongerAction(action, problem.action);
  return { type: MessageType.update, withdrawn, attributes, nlri, problems: problems.slice(), action };
}
