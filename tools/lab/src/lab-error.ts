/** The error hierarchy of the lab helper; every error has a stable `code` and structured fields. */

export class LabError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Only documentation ranges may be assigned in the lab (RFC 5737, RFC 3849, link-local, RFC 2544). */
export class NonDocumentationAddressError extends LabError {
  readonly address: string;
  constructor(address: string) {
    super(
      'ERR_LAB_NON_DOCUMENTATION_ADDRESS',
      `address "${address}" is outside the documentation ranges 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 (and fe80::/10 link-local, 198.18.0.0/15 benchmarking)`,
    );
    this.address = address;
  }
}

/** A name (host, lab) the lab cannot use as part of a namespace or interface name. */
export class InvalidLabNameError extends LabError {
  readonly label: string;
  constructor(label: string, problem: string) {
    super('ERR_LAB_INVALID_NAME', `invalid lab name "${label}": ${problem}`);
    this.label = label;
  }
}

/** A lab topology the helper cannot build (e.g. a direct link with other than two hosts). */
export class InvalidTopologyError extends LabError {
  constructor(problem: string) {
    super('ERR_LAB_INVALID_TOPOLOGY', `invalid lab topology: ${problem}`);
  }
}

/** A command (ip, sysctl, or one run inside a namespace) exited non-zero or could not start. */
export class LabCommandError extends LabError {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  /** What it printed on stdout before failing (some tools, like `helm lint`, report there). */
  readonly stdout: string;
  constructor(fields: {
    command: string;
    args: readonly string[];
    exitCode: number | null;
    stderr: string;
    stdout?: string;
  }) {
    const line = [fields.command, ...fields.args].join(' ');
    super(
      'ERR_LAB_COMMAND_FAILED',
      `"${line}" failed (exit ${fields.exitCode ?? 'signal'}): ${fields.stderr.trim() || 'no output'}`,
    );
    this.command = fields.command;
    this.args = fields.args;
    this.exitCode = fields.exitCode;
    this.stderr = fields.stderr;
    this.stdout = fields.stdout ?? '';
  }
}

/** The lab was destroyed; its hosts can no longer run anything. */
export class LabDestroyedError extends LabError {
  readonly lab: string;
  constructor(lab: string) {
    super('ERR_LAB_DESTROYED', `lab "${lab}" was destroyed`);
    this.lab = lab;
  }
}

/**
 * A chart template the built-in renderer cannot render: a construct outside the small subset it
 * implements (`ERR_TEMPLATE_UNSUPPORTED`), malformed syntax (`ERR_TEMPLATE_SYNTAX`), or a failure
 * while executing (`ERR_TEMPLATE_EXEC`: missing value path, wrong type).
 */
export class TemplateError extends LabError {
  readonly template: string;
  readonly construct: string;
  constructor(
    code: 'ERR_TEMPLATE_UNSUPPORTED' | 'ERR_TEMPLATE_SYNTAX' | 'ERR_TEMPLATE_EXEC',
    template: string,
    construct: string,
    problem: string,
  ) {
    super(code, `template "${template}": ${problem} (at "${construct}")`);
    this.template = template;
    this.construct = construct;
  }
}

/** A kustomization the built-in builder does not handle (it knows `resources` files and `namespace`). */
export class KustomizeError extends LabError {
  readonly path: string;
  constructor(path: string, problem: string) {
    super('ERR_KUSTOMIZE_UNSUPPORTED', `kustomization "${path}": ${problem}`);
    this.path = path;
  }
}
