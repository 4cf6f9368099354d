/** Stable codes of the failures of this package (tool failures are the lab's LabCommandError). */
export const DeployCheckErrorCode = {
  badManifest: 'ERR_DEPLOY_CHECK_BAD_MANIFEST',
} as const;
export type DeployCheckErrorCode = (typeof DeployCheckErrorCode)[keyof typeof DeployCheckErrorCode];

export class DeployCheckError extends Error {
  readonly code: DeployCheckErrorCode;
  constructor(code: DeployCheckErrorCode, message: string) {
    super(message);
    this.name = 'DeployCheckError';
    this.code = code;
  }
}
