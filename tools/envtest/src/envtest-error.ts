/** Stable codes of every failure the harness reports. */
export const EnvtestErrorCode = {
  buildFailed: 'ERR_ENVTEST_BUILD_FAILED',
  goMissing: 'ERR_ENVTEST_GO_MISSING',
  processExited: 'ERR_ENVTEST_PROCESS_EXITED',
  notReady: 'ERR_ENVTEST_NOT_READY',
  badAddress: 'ERR_ENVTEST_BAD_ADDRESS',
  badKubeconfig: 'ERR_ENVTEST_BAD_KUBECONFIG',
  badManifest: 'ERR_ENVTEST_BAD_MANIFEST',
  crdNotEstablished: 'ERR_ENVTEST_CRD_NOT_ESTABLISHED',
  lockTimeout: 'ERR_ENVTEST_LOCK_TIMEOUT',
  noSuchProcess: 'ERR_ENVTEST_NO_SUCH_PROCESS',
} as const;
export type EnvtestErrorCode = (typeof EnvtestErrorCode)[keyof typeof EnvtestErrorCode];

/** The one error class of this package; `code` is stable, `details` carries structured fields. */
export class EnvtestError extends Error {
  readonly code: EnvtestErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(
    code: EnvtestErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EnvtestError';
    this.code = code;
    this.details = details;
  }
}
