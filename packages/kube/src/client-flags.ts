/**
 * The Kubernetes client's command-line flags, the same in both apps: kubectl's names for the
 * context and impersonation, client-go's (kube-controller-manager, kube-scheduler, kubelet) for
 * the request budget. Parsing stays with each app's parseArgs; this reads the values.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { Impersonation } from './impersonation-headers.ts';
import type { LoadKubeConfigOptions } from './kube-config.ts';
import { KubeFlagError } from './kube-error.ts';
import type { RateLimit } from './token-bucket.ts';

/** parseArgs options of the client flags; spread them into an app's own. */
export const clientFlagOptions = {
  context: { type: 'string' },
  'kube-api-qps': { type: 'string' },
  'kube-api-burst': { type: 'string' },
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  'as-uid': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** The values parseArgs gives for clientFlagOptions. */
export type ClientFlagValues = {
  readonly context?: string | undefined;
  readonly 'kube-api-qps'?: string | undefined;
  readonly 'kube-api-burst'?: string | undefined;
  readonly as?: string | undefined;
  readonly 'as-group'?: readonly string[] | undefined;
  readonly 'as-uid'?: string | undefined;
};

export type ClientFlags = {
  /** For loadKubeConfig: the context and impersonation. */
  readonly kubeConfig: LoadKubeConfigOptions;
  /** For HttpKubeClient's rateLimit. */
  readonly rateLimit: RateLimit;
};

/** Reads the client flags; `defaults` is the app's request budget. Throws KubeFlagError. */
export function readClientFlags(values: ClientFlagValues, defaults: RateLimit): ClientFlags {
  const qps = values['kube-api-qps'];
  const burst = values['kube-api-burst'];
  const rateLimit = {
    qps: qps === undefined ? defaults.qps : positiveNumber('--kube-api-qps', qps),
    burst: burst === undefined ? defaults.burst : positiveInteger('--kube-api-burst', burst),
  };
  const context = nonEmpty(values.context);
  const impersonate = readImpersonation(values);
  return {
    kubeConfig: {
      ...(context === undefined ? {} : { context }),
      ...(impersonate === undefined ? {} : { impersonate }),
    },
    rateLimit,
  };
}

function readImpersonation(values: ClientFlagValues): Impersonation | undefined {
  const user = nonEmpty(values.as);
  const uid = nonEmpty(values['as-uid']);
  const groups = (values['as-group'] ?? []).filter((group) => group !== '');
  if (user === undefined) {
    // As client-go: groups or a uid alone would act as nobody in particular.
    if (groups.length > 0) throw new KubeFlagError('--as-group', 'needs --as');
    if (uid !== undefined) throw new KubeFlagError('--as-uid', 'needs --as');
    return undefined;
  }
  return {
    user,
    ...(uid === undefined ? {} : { uid }),
    ...(groups.length === 0 ? {} : { groups }),
  };
}

/** The usage lines of the client flags, descriptions starting at `column`. */
export function clientFlagsUsage(defaults: RateLimit, column: number): string {
  const lines: [string, string][] = [
    ['--context NAME', 'kubeconfig context to use (default: its current-context)'],
    ['--kube-api-qps N', `requests per second to the API server, watches aside (default ${defaults.qps})`],
    ['--kube-api-burst N', `requests at once after a quiet spell (default ${defaults.burst})`],
    ['--as USER', 'act as USER (impersonation; the real user needs the impersonate verb)'],
    ['--as-group GROUP', 'act as a member of GROUP too (repeatable; needs --as)'],
    ['--as-uid UID', 'the impersonated UID (needs --as)'],
  ];
  return lines.map(([flag, text]) => `  ${flag.padEnd(column - 2)}${text}`).join('\n');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new KubeFlagError(flag, `"${text}" is not a number above 0`);
  return n;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || !Number.isSafeInteger(n))
    throw new KubeFlagError(flag, `"${text}" is not a whole number from 1`);
  return n;
}
