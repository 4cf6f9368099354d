/**
 * One RFC 7606 finding in an UPDATE: which attribute, what was wrong (a stable code), and the
 * reaction the RFC prescribes for it, so the session layer acts without parsing again.
 */
import type { ErrorAction } from './error-action.ts';

export const AttributeProblemCode = {
  /** Optional/Transitive bits conflict with the attribute's definition (RFC 7606 section 3). */
  flags: 'ERR_BGP_ATTR_FLAGS',
  /** The length is wrong for the attribute (section 7.x of each attribute). */
  length: 'ERR_BGP_ATTR_LENGTH',
  /** A value is out of range: ORIGIN, an AS_PATH segment, ... */
  value: 'ERR_BGP_ATTR_VALUE',
  /** A second copy of a non-MP attribute (section 3): discarded. */
  duplicate: 'ERR_BGP_ATTR_DUPLICATE',
  /** A second MP_REACH_NLRI or MP_UNREACH_NLRI (section 3): session reset. */
  duplicateMp: 'ERR_BGP_ATTR_DUPLICATE_MP',
  /** An attribute header or value runs past the Total Path Attribute Length (section 4). */
  overrun: 'ERR_BGP_ATTR_OVERRUN',
  /** ORIGIN, AS_PATH or NEXT_HOP missing where routes are announced (section 3). */
  missingMandatory: 'ERR_BGP_ATTR_MISSING_MANDATORY',
  /** An unrecognized well-known attribute (RFC 4271 section 6.3): session reset. */
  unrecognizedWellKnown: 'ERR_BGP_ATTR_UNRECOGNIZED_WELL_KNOWN',
  /** MP_REACH_NLRI next hop length or NLRI unparseable (section 7.11, 5.3): session reset. */
  mpMalformed: 'ERR_BGP_ATTR_MP_MALFORMED',
} as const;
export type AttributeProblemCode = (typeof AttributeProblemCode)[keyof typeof AttributeProblemCode];

export type AttributeProblem = {
  readonly code: AttributeProblemCode;
  /** The attribute's type code. */
  readonly attributeType: number;
  readonly action: ErrorAction;
  /** Offset of the attribute (its flags byte) in the decoded buffer. */
  readonly offset: number;
};
