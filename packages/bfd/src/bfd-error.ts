/**
 * The one error hierarchy of @baremetal-lb/bfd. Decoding attacker-controlled bytes raises only
 * BfdDecodeError; bad session options raise BfdConfigError; socket failures BfdTransportError.
 */

/** Stable error codes; match on these, never on messages. */
export const BfdErrorCode = {
  truncated: 'ERR_BFD_TRUNCATED',
  malformed: 'ERR_BFD_MALFORMED',
  invalidConfig: 'ERR_BFD_INVALID_CONFIG',
  duplicateSession: 'ERR_BFD_DUPLICATE_SESSION',
  unknownSession: 'ERR_BFD_UNKNOWN_SESSION',
  transport: 'ERR_BFD_TRANSPORT',
  closed: 'ERR_BFD_CLOSED',
  workerExited: 'ERR_BFD_WORKER_EXITED',
} as const;
export type BfdErrorCode = (typeof BfdErrorCode)[keyof typeof BfdErrorCode];

/** Base class: everything this package throws is an instance of it. */
export class BfdError extends Error {
  readonly code: BfdErrorCode;
  constructor(code: BfdErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BfdError';
    this.code = code;
  }
}

/**
 * A control packet is too short (`ERR_BFD_TRUNCATED`: `needed` bytes at `offset`, `available`
 * there) or a field breaks RFC 5880 §6.8.6 (`ERR_BFD_MALFORMED`: `field` at `offset`).
 */
export class BfdDecodeError extends BfdError {
  readonly layer = 'bfd';
  readonly offset: number;
  readonly field: string;
  readonly needed: number;
  readonly available: number;
  constructor(
    code: typeof BfdErrorCode.truncated | typeof BfdErrorCode.malformed,
    fields: { offset: number; field: string; needed?: number; available?: number; detail?: string },
  ) {
    const { offset, field, needed = 0, available = 0, detail = '' } = fields;
    super(
      code,
      code === BfdErrorCode.truncated
        ? `bfd: "${field}" needs ${needed} bytes at offset ${offset}, ${Math.max(available, 0)} available`
        : `bfd: bad "${field}" at offset ${offset}${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'BfdDecodeError';
    this.offset = offset;
    this.field = field;
    this.needed = needed;
    this.available = Math.max(available, 0);
  }
}

/** A session option is out of range (`option`, with what is accepted in the message). */
export class BfdConfigError extends BfdError {
  readonly option: string;
  constructor(option: string, message: string, code: BfdErrorCode = BfdErrorCode.invalidConfig) {
    super(code, `bfd: ${option}: ${message}`);
    this.name = 'BfdConfigError';
    this.option = option;
  }
}

/** A socket call failed (`op`, and the errno name when there is one). */
export class BfdTransportError extends BfdError {
  readonly op: string;
  constructor(op: string, message: string, options?: ErrorOptions) {
    super(BfdErrorCode.transport, `bfd: ${op}: ${message}`, options);
    this.name = 'BfdTransportError';
    this.op = op;
  }
}
