/** Stable codes for every error this package throws. */
export const LeaderErrorCode = {
  invalidCandidate: 'ERR_LEADER_INVALID_CANDIDATE',
  invalidConfig: 'ERR_LEADER_INVALID_CONFIG',
  invalidKey: 'ERR_LEADER_INVALID_KEY',
  malformedPacket: 'ERR_LEADER_MALFORMED_PACKET',
  notRunning: 'ERR_LEADER_NOT_RUNNING',
  transportClosed: 'ERR_LEADER_TRANSPORT_CLOSED',
} as const;
export type LeaderErrorCode = (typeof LeaderErrorCode)[keyof typeof LeaderErrorCode];

/** Base class of every error thrown by `@baremetal-lb/leader`; `code` is stable, `details` structured. */
export class LeaderError extends Error {
  readonly code: LeaderErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: LeaderErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'LeaderError';
    this.code = code;
    this.details = details;
  }
}
