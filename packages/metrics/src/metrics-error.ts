/** A metric used against its declaration: unknown label, negative counter step, bad name. */
export type MetricsErrorCode =
  | 'INVALID_NAME'
  | 'INVALID_BUCKETS'
  | 'UNKNOWN_LABEL'
  | 'NEGATIVE_INCREMENT'
  | 'DUPLICATE_METRIC';

export class MetricsError extends Error {
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
  }
}
