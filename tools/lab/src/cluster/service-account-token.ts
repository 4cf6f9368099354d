/**
 * A bound ServiceAccount token from the TokenRequest API: what the kubelet puts into a pod's
 * projected volume. Bound to an object (a Secret here; a Pod in a cluster), the token dies with it.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { LabError } from '../lab-error.ts';

/** Why 24 h: longer than any lab session; the API server caps it anyway. */
const defaultLifetimeSeconds = 86_400;

export type ServiceAccountIdentity = { readonly namespace: string; readonly name: string };

export async function requestServiceAccountToken(
  admin: KubeConfig,
  identity: ServiceAccountIdentity,
  options: {
    readonly expirationSeconds?: number;
    /** A Secret in the ServiceAccount's namespace; deleting it revokes the token. */
    readonly boundSecret?: { readonly name: string; readonly uid: string };
  } = {},
): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api);
  const bound = options.boundSecret;
  const request = await core.createNamespacedServiceAccountToken({
    name: identity.name,
    namespace: identity.namespace,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: options.expirationSeconds ?? defaultLifetimeSeconds,
        ...(bound === undefined
          ? {}
          : { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: bound.name, uid: bound.uid } }),
      },
    },
  });
  const token = request.status?.token;
  if (token === undefined) {
    throw new LabError(
      'ERR_LAB_SERVICE_ACCOUNT',
      `no token for ServiceAccount "${identity.namespace}/${identity.name}"`,
    );
  }
  return token;
}
