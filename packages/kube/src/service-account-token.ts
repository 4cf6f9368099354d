import type { KubeClient } from './kube-client.ts';
import { KubeError } from './kube-error.ts';

export type ServiceAccountRef = { readonly namespace: string; readonly name: string };

export type ServiceAccountTokenOptions = {
  /** Requested lifetime; default 24 h (the API server may cap it). */
  readonly expirationSeconds?: number;
  /**
   * A Secret in the account's namespace the token is bound to: deleting the Secret revokes the
   * token (the kubelet binds a pod's token to the Pod the same way).
   */
  readonly boundSecret?: { readonly name: string; readonly uid: string };
};

const defaultExpirationSeconds = 86_400;

/**
 * A bound ServiceAccount token from the TokenRequest API (`serviceaccounts/NAME/token`), what the
 * kubelet projects into a pod. Needs `create` on `serviceaccounts/token`.
 */
export async function requestServiceAccountToken(
  client: KubeClient,
  account: ServiceAccountRef,
  options: ServiceAccountTokenOptions = {},
): Promise<string> {
  const { namespace, name } = account;
  const bound = options.boundSecret;
  const answer = await client.request<{ status?: { token?: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          expirationSeconds: options.expirationSeconds ?? defaultExpirationSeconds,
          ...(bound === undefined
            ? {}
            : { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: bound.name, uid: bound.uid } }),
        },
      },
    },
  );
  const token = answer?.status?.token;
  if (!token)
    throw new KubeError(
      'ERR_KUBE_NO_TOKEN',
      `TokenRequest for ServiceAccount "${namespace}/${name}" returned no token`,
    );
  return token;
}
