/**
 * The three reactions RFC 7606 section 2 defines for a malformed UPDATE, weakest first. When an
 * UPDATE has several errors, the strongest reaction wins (RFC 7606 section 3).
 */

export const ErrorAction = {
  /** Drop the attribute, process the rest of the UPDATE. */
  attributeDiscard: 'attributeDiscard',
  /** Process every route in the UPDATE as withdrawn. */
  treatAsWithdraw: 'treatAsWithdraw',
  /** Send a NOTIFICATION and close the session. */
  sessionReset: 'sessionReset',
} as const;
export type ErrorAction = (typeof ErrorAction)[keyof typeof ErrorAction];

const RANK: Readonly<Record<ErrorAction, number>> = {
  attributeDiscard: 0,
  treatAsWithdraw: 1,
  sessionReset: 2,
};

export function strongerAction(a: ErrorAction, b: ErrorAction): ErrorAction {
  return RANK[a] >= RANK[b] ? a : b;
}
