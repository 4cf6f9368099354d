import { randomBytes } from 'node:crypto';
import { backoffDelayMs, type Clock, type KubeClient, sleep } from '@baremetal-lb/kube';
import { KubeApiError } from './errors.ts';
import type { Logger } from './log.ts';

/**
 * The speakers authenticate and encrypt their membership traffic with a shared key that the
 * manifests cannot generate (kustomize has no randomness). Like MetalLB's controller, we create
 * the Secret on start when it is missing. An existing Secret is never read or changed: rotating
 * the key stays the operator's decision, and the controller needs only `create` on Secrets.
 */

/** Key the speaker DaemonSet mounts (deploy/speaker.yaml: --ml-secret-path=.../secretkey). */
export const memberlistSecretKey = 'secretkey';

/** 64 random bytes, base64: far more than the 32 bytes of an AES-256 key the speakers derive. */
const keyBytes = 64;

const retryBackoff = { baseDelayMs: 500, maxDelayMs: 10_000 };

export type MemberlistSecretOptions = {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Stops retrying (controller shutdown). */
  readonly signal: AbortSignal;
};

/** The Secret object to create: a fresh random key. */
export function buildMemberlistSecret(namespace: string, name: string) {
  const key = randomBytes(keyBytes).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'baremetal-lb', 'app.kubernetes.io/component': 'speaker' },
    },
    data: { [memberlistSecretKey]: Buffer.from(key, 'utf8').toString('base64') },
  };
}

/**
 * Creates the membership Secret unless it exists. Retries with backoff while the API server is
 * unreachable or refuses; resolves with what happened, or 'aborted' when `signal` fires first.
 */
export async function ensureMemberlistSecret(
  options: MemberlistSecretOptions,
): Promise<'created' | 'exists' | 'aborted'> {
  const { client, namespace, name, clock, log, signal } = options;
  for (let failures = 0; !signal.aborted; failures++) {
    try {
      await client.request('POST', `/api/v1/namespaces/${namespace}/secrets`, {
        body: buildMemberlistSecret(namespace, name),
      });
      log.info({ secret: `${namespace}/${name}` }, 'created the speakers\u2019 membership Secret');
      return 'created';
    } catch (error) {
      // 409 AlreadyExists: an operator (or the other replica) created it; leave it alone.
      if (error instanceof KubeApiError && error.isConflict) return 'exists';
      const delayMs = backoffDelayMs(retryBackoff, failures + 1);
      log.warn(
        {
          secret: `${namespace}/${name}`,
          err: error instanceof Error ? error.message : String(error),
          delayMs,
        },
        'cannot create the membership Secret yet; retrying',
      );
      await sleep(clock, delayMs, signal);
    }
  }
  return 'aborted';
}
