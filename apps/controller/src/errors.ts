/**
 * The controller's one error hierarchy. Every error has a stable `code` and structured fields;
 * messages quote the identifiers they are about.
 */
export class ControllerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ControllerError';
    this.code = code;
  }
}

/** A command-line flag is unknown, missing its value, or has a value out of range. */
export class FlagError extends ControllerError {
  readonly flag: string;
  constructor(flag: string, message: string, options?: ErrorOptions) {
    super('ERR_FLAG_INVALID', message, options);
    this.name = 'FlagError';
    this.flag = flag;
  }
}

export { KubeApiError, KubeConfigError } from '@baremetal-lb/kube';
