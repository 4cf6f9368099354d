/**
 * Command-line flags of the speaker (MetalLB's names where MetalLB has the flag). Parsing is pure:
 * argv and env in, typed flags or a FlagError naming the flag out.
 */
import { parseArgs } from 'node:util';
import {
  type ClientFlags,
  clientFlagOptions,
  clientFlagsUsage,
  defaultRateLimit,
  KubeFlagError,
  readClientFlags,
} from '@baremetal-lb/kube';
import { defaultExcludeInterfacePatterns } from '../layer2/interfaces/interface-eligibility.ts';

export const LogLevel = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  silent: 'silent',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type SpeakerFlags = {
  readonly nodeName: string;
  /** Undefined: in-cluster config, or $KUBECONFIG. */
  readonly kubeconfig: string | undefined;
  /** --context, --kube-api-qps, --kube-api-burst, --as, --as-group, --as-uid. */
  readonly client: ClientFlags;
  readonly namespace: string;
  readonly mlBindAddr: string;
  readonly mlBindPort: number;
  /** File holding the membership key; undefined: membership without encryption (not for production). */
  readonly mlSecretPath: string | undefined;
  readonly excludeInterfaces: readonly string[];
  readonly lbClass: string | undefined;
  readonly metricsHost: string;
  readonly metricsPort: number;
  readonly logLevel: LogLevel;
  readonly gratuitousIntervalMs: number;
  readonly gratuitousDurationMs: number;
  /** ARP/NS requests per second per source MAC; 0 disables the limit. */
  readonly requestRateLimit: number;
  /** SCHED_FIFO priority of the responder thread (1–99); 0 keeps it in the normal class. */
  readonly responderPriority: number;
};

export class FlagError extends Error {
  readonly code = 'ERR_SPEAKER_FLAG';
  readonly flag: string;
  constructor(flag: string, message: string) {
    super(`--${flag}: ${message}`);
    this.name = 'FlagError';
    this.flag = flag;
  }
}

export const speakerUsage = `Usage: speaker [flags]
  --node-name NAME           this node (default $NODE_NAME)
  --kubeconfig PATH          kubeconfig file (default in-cluster, or $KUBECONFIG)
${clientFlagsUsage(defaultRateLimit, 29)}
  --namespace NS             namespace of the metallb.io resources (default $METALLB_NAMESPACE or metallb-system)
  --ml-bind-addr IP          membership UDP bind address (default $METALLB_HOST or 0.0.0.0)
  --ml-bind-port PORT        membership UDP port (default 7946)
  --ml-secret-path PATH      file holding the membership key (default $METALLB_ML_SECRET_KEY_PATH)
  --exclude-interfaces LIST  comma-separated name regexes never answered on ("" for none; default MetalLB's list)
  --lb-class CLASS           handle only Services of this loadBalancerClass (default: only Services without one)
  --metrics-host IP          metrics/health listen address (MetalLB's --host; default $METALLB_HOST,
                             the node's address from the downward API, or 0.0.0.0 without it)
  --metrics-port PORT        metrics/health port (default 7472)
  --log-level LEVEL          debug, info, warn, error, silent (default info)
  --gratuitous-interval-ms N gap between gratuitous ARP/NA repeats (default 1100)
  --gratuitous-duration-ms N how long to repeat them (default 5000)
  --request-rate-limit N     ARP/NS requests per second per source MAC, 0 = unlimited (default 1000)
  --responder-priority N     SCHED_FIFO priority 1-99 of the ARP/NDP responder thread (needs
                             CAP_SYS_NICE; falls back to normal with a warning), 0 = normal (default 0)
  --help                     print this text
  --version                  print the version`;

function integerIn(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new FlagError(flag, `"${text}" is not an integer from ${min} to ${max}`);
  }
  return n;
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new FlagError(flag, `"${text}" is not a non-negative number`);
  return n;
}

/** An unset or empty variable (the downward API leaves status.hostIP empty until it is known). */
function nonEmptyEnv(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function parseSpeakerFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SpeakerFlags {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'node-name': { type: 'string' },
        kubeconfig: { type: 'string' },
        ...clientFlagOptions,
        namespace: { type: 'string' },
        'ml-bind-addr': { type: 'string' },
        'ml-bind-port': { type: 'string' },
        'ml-secret-path': { type: 'string' },
        'exclude-interfaces': { type: 'string' },
        'lb-class': { type: 'string' },
        'metrics-host': { type: 'string' },
        'metrics-port': { type: 'string' },
        'log-level': { type: 'string' },
        'gratuitous-interval-ms': { type: 'string' },
        'gratuitous-duration-ms': { type: 'string' },
        'request-rate-limit': { type: 'string' },
        'responder-priority': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new FlagError('args', (error as Error).message);
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;

  const nodeName = str('node-name') ?? env.NODE_NAME;
  if (nodeName === undefined || nodeName === '')
    throw new FlagError('node-name', 'required (or set NODE_NAME)');
  const logLevel = str('log-level') ?? 'info';
  if (!Object.hasOwn(LogLevel, logLevel)) throw new FlagError('log-level', `unknown level "${logLevel}"`);
  const exclude = str('exclude-interfaces');
  let client: ClientFlags;
  try {
    client = readClientFlags(values, defaultRateLimit);
  } catch (error) {
    if (error instanceof KubeFlagError) throw new FlagError(error.flag.replace(/^--/, ''), error.problem);
    throw error;
  }
  return {
    nodeName,
    kubeconfig: str('kubeconfig') ?? env.KUBECONFIG,
    client,
    namespace: str('namespace') ?? env.METALLB_NAMESPACE ?? 'metallb-system',
    mlBindAddr: str('ml-bind-addr') ?? env.METALLB_HOST ?? '0.0.0.0',
    mlBindPort: integerIn('ml-bind-port', str('ml-bind-port') ?? '7946', 0, 65535),
    mlSecretPath: str('ml-secret-path') ?? env.METALLB_ML_SECRET_KEY_PATH,
    excludeInterfaces:
      exclude === undefined
        ? defaultExcludeInterfacePatterns
        : exclude
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    lbClass: str('lb-class'),
    // hostNetwork: 0.0.0.0 would expose metrics on every interface of the node, public ones too.
    metricsHost: str('metrics-host') ?? nonEmptyEnv(env.METALLB_HOST) ?? '0.0.0.0',
    metricsPort: integerIn('metrics-port', str('metrics-port') ?? '7472', 0, 65535),
    logLevel: logLevel as LogLevel,
    gratuitousIntervalMs: nonNegative('gratuitous-interval-ms', str('gratuitous-interval-ms') ?? '1100'),
    gratuitousDurationMs: nonNegative('gratuitous-duration-ms', str('gratuitous-duration-ms') ?? '5000'),
    requestRateLimit: nonNegative('request-rate-limit', str('request-rate-limit') ?? '1000'),
    responderPriority: integerIn('responder-priority', str('responder-priority') ?? '0', 0, 99),
  };
}
