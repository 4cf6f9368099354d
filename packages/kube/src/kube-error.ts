/**
 * The Kubernetes layer's one error hierarchy. Every error has a stable `code` and structured
 * fields; messages quote the identifiers they are about.
 */
export class KubeError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeError';
    this.code = code;
  }
}

/** The Kubernetes API answered with an error status, or could not be reached (`status` 0). */
export class KubeApiError extends KubeError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly reason: string;
  constructor(
    method: string,
    path: string,
    status: number,
    reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(
      status === 0 ? 'ERR_KUBE_UNREACHABLE' : 'ERR_KUBE_API',
      `${method} "${path}" failed${status === 0 ? '' : ` with ${status} ${reason}`}: ${message}`,
      options,
    );
    this.name = 'KubeApiError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.reason = reason;
  }

  /** 409: the object changed (or was re-created) since we read it. */
  get isConflict(): boolean {
    return this.status === 409;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** The kubeconfig could not be loaded. */
export class KubeConfigError extends KubeError {
  readonly source: string;
  constructor(source: string, message: string, options?: ErrorOptions) {
    super('ERR_KUBECONFIG', `cannot load kubeconfig from ${source}: ${message}`, options);
    this.name = 'KubeConfigError';
    this.source = source;
  }
}

/** A client command-line flag has a bad value: `flag` names it (`--kube-api-qps`), `problem` says what. */
export class KubeFlagError extends KubeError {
  readonly flag: string;
  readonly problem: string;
  constructor(flag: string, problem: string) {
    super('ERR_KUBE_FLAG', `${flag} ${problem}`);
    this.name = 'KubeFlagError';
    this.flag = flag;
    this.problem = problem;
  }
}
