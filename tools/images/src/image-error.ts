/** The error hierarchy of the image tooling; every error has a stable `code`. */

export class ImageError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A podman (or debootstrap, tar) command exited non-zero; carries the end of its output. */
export class ImageCommandError extends ImageError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly output: string;
  constructor(command: string, exitCode: number | null, output: string) {
    super(
      'ERR_IMAGE_COMMAND',
      `${command} exited with ${exitCode ?? 'a signal'}\n${output.trimEnd().split('\n').slice(-30).join('\n')}`,
    );
    this.command = command;
    this.exitCode = exitCode;
    this.output = output;
  }
}

/** An input of the base image (the `node` package's platform binary, the npm version) is missing. */
export class BaseImageInputError extends ImageError {
  constructor(problem: string) {
    super('ERR_IMAGE_BASE_INPUT', `cannot build the Node base image: ${problem}`);
  }
}
