import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type ClientFlags,
  clientFlagOptions,
  clientFlagsUsage,
  KubeFlagError,
  type RateLimit,
  readClientFlags,
} from '@baremetal-lb/kube';
import { FlagError } from './errors.ts';

export const LogLevel = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/**
 * The controller's default request budget (--kube-api-qps / --kube-api-burst). It writes one
 * status per Service: after a restart with 1,000 Services, 200 qps finishes in about 5 s, while a
 * retry storm stays bounded.
 */
export const controllerRateLimit: RateLimit = { qps: 200, burst: 400 };

/** Everything the command line configures. */
export type ControllerOptions = {
  /** Path to a kubeconfig; undefined means in-cluster (service-account token), then KUBECONFIG. */
  readonly kubeconfig: string | undefined;
  /** --context, --kube-api-qps, --kube-api-burst, --as, --as-group, --as-uid. */
  readonly client: ClientFlags;
  /** Namespace of the IPAddressPools and of the leader Lease. */
  readonly namespace: string;
  /** Only Services with this spec.loadBalancerClass; undefined means only Services without one. */
  readonly lbClass: string | undefined;
  readonly metricsHost: string;
  /** 0 picks a free port (tests). MetalLB's controller uses 7472. */
  readonly metricsPort: number;
  readonly logLevel: LogLevel;
  readonly leaderElect: boolean;
  readonly leaseName: string;
  /** Holder identity in the Lease; the pod name in a cluster. */
  readonly identity: string;
  /** Reconciles in flight at once (each mostly waits on API writes). */
  readonly workers: number;
  /** Secret (in `namespace`) holding the speakers' membership key, created when missing; undefined = don't. */
  readonly mlSecretName: string | undefined;
  readonly help: boolean;
  readonly version: boolean;
};

export const usage = `Usage: baremetal-lb-controller [flags]

  --kubeconfig PATH     kubeconfig file (default: in-cluster service account, then $KUBECONFIG)
${clientFlagsUsage(controllerRateLimit, 24)}
  --namespace NS        namespace of IPAddressPools and the leader Lease (default metallb-system)
  --lb-class NAME       handle only Services with this spec.loadBalancerClass
                        (default: only Services without a class)
  --metrics-host HOST   address for /metrics, /healthz, /readyz (default $METALLB_HOST, the pod's
                        address from the downward API, or 0.0.0.0 without it)
  --metrics-port PORT   port for /metrics, /healthz, /readyz (default 7472; 0 = any free port)
  --log-level LEVEL     trace|debug|info|warn|error|fatal (default info)
  --leader-elect        elect one active replica through a Lease (default on)
  --no-leader-elect     run as the only replica, without a Lease
  --lease-name NAME     Lease name (default baremetal-lb-controller)
  --identity ID         holder identity in the Lease (default $POD_NAME or the host name)
  --workers N           reconciles in flight at once (default 32)
  --ml-secret-name NAME Secret with the speakers' membership key, created with a random key
                        when missing (default memberlist; "" = never create it)
  --help                print this text
  --version             print the version
`;

/** Parses argv (without the node and script entries). Throws FlagError on bad input. */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ControllerOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FlagError(/'(--[^']+)'/.exec(message)?.[1] ?? '', message, { cause: error });
  }
  const logLevel = values['log-level'];
  if (!Object.hasOwn(LogLevel, logLevel)) {
    throw new FlagError(
      '--log-level',
      `--log-level "${logLevel}" is not one of ${Object.keys(LogLevel).join(', ')}`,
    );
  }
  let client: ClientFlags;
  try {
    client = readClientFlags(values, controllerRateLimit);
  } catch (error) {
    if (error instanceof KubeFlagError) throw new FlagError(error.flag, error.message, { cause: error });
    throw error;
  }
  return {
    kubeconfig: nonEmpty(values.kubeconfig),
    client,
    namespace: requireName('--namespace', values.namespace),
    lbClass: nonEmpty(values['lb-class']),
    metricsHost: nonEmpty(values['metrics-host']) ?? nonEmpty(env.METALLB_HOST) ?? '0.0.0.0',
    metricsPort: parsePort(values['metrics-port']),
    logLevel: logLevel as LogLevel,
    leaderElect: values['leader-elect'],
    leaseName: requireName('--lease-name', values['lease-name']),
    identity: nonEmpty(values.identity) ?? nonEmpty(env.POD_NAME) ?? hostname(),
    workers: parseCount('--workers', values.workers, 1, 256),
    mlSecretName:
      values['ml-secret-name'] === '' ? undefined : requireName('--ml-secret-name', values['ml-secret-name']),
    help: values.help,
    version: values.version,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    allowNegative: true,
    options: {
      kubeconfig: { type: 'string' },
      ...clientFlagOptions,
      namespace: { type: 'string', default: 'metallb-system' },
      'lb-class': { type: 'string' },
      'metrics-host': { type: 'string' },
      'metrics-port': { type: 'string', default: '7472' },
      'log-level': { type: 'string', default: 'info' },
      'leader-elect': { type: 'boolean', default: true },
      'lease-name': { type: 'string', default: 'baremetal-lb-controller' },
      identity: { type: 'string' },
      workers: { type: 'string', default: '32' },
      'ml-secret-name': { type: 'string', default: 'memberlist' },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseCount(flag: string, value: string, min: number, max: number): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < min || count > max) {
    throw new FlagError(flag, `${flag} "${value}" is not a number ${min}..${max}`);
  }
  return count;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new FlagError('--metrics-port', `--metrics-port "${value}" is not a port number 0..65535`);
  }
  return port;
}

/** RFC 1123 label, as Kubernetes requires for namespace and Lease names. */
function requireName(flag: string, value: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
    throw new FlagError(flag, `${flag} "${value}" is not a valid Kubernetes name`);
  }
  return value;
}
