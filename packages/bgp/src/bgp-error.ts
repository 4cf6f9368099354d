/**
 * The one error hierarchy of @baremetal-lb/bgp: every error this package throws is a BgpError
 * with a stable `code`. Errors the peer causes never throw: they end the session with the right
 * NOTIFICATION and show up in the peer's `lastError`.
 */

export const BgpErrorCode = {
  /** A peer or speaker option is out of range or inconsistent. */
  invalidConfig: 'ERR_BGP_INVALID_CONFIG',
  /** A prefix or route attribute cannot be announced (bad text, host bits set, wrong family). */
  invalidRoute: 'ERR_BGP_INVALID_ROUTE',
  /** A peer with that address is already configured. */
  duplicatePeer: 'ERR_BGP_DUPLICATE_PEER',
  /** The speaker or peer was closed. */
  closed: 'ERR_BGP_CLOSED',
  /** A socket could not be created or configured (the cause holds the system error). */
  transport: 'ERR_BGP_TRANSPORT',
} as const;
export type BgpErrorCode = (typeof BgpErrorCode)[keyof typeof BgpErrorCode];

export class BgpError extends Error {
  readonly code: BgpErrorCode;
  constructor(code: BgpErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BgpError';
    this.code = code;
  }
}

/** Throws ERR_BGP_INVALID_CONFIG naming `field` unless `ok`. */
export function requireConfig(ok: boolean, field: string, detail: string): void {
  if (!ok) throw new BgpError(BgpErrorCode.invalidConfig, `${field}: ${detail}`);
}
