/** Where an API server is, how to trust it, and a bearer token: all a token kubeconfig holds. */
export type TokenConnection = {
  /** `https://host:port`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate (embedded as certificate-authority-data). */
  readonly caPem: string;
  readonly token: string;
};

export type TokenKubeconfigNames = {
  /** The user entry's name (a ServiceAccount's is `system:serviceaccount:NAMESPACE:NAME`). */
  readonly user: string;
  /** The cluster and context name; default the user's. */
  readonly context?: string;
  /** The context's default namespace. */
  readonly namespace?: string;
};

/**
 * A kubeconfig document (write it as JSON: valid YAML) with the CA embedded, so a process in
 * another network namespace or a container needs only this one file; loadKubeConfig reads it.
 */
export function tokenKubeconfig(connection: TokenConnection, names: TokenKubeconfigNames): object {
  const context = names.context ?? names.user;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: context,
        cluster: {
          server: connection.server,
          'certificate-authority-data': Buffer.from(connection.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: names.user, user: { token: connection.token } }],
    contexts: [
      {
        name: context,
        context: {
          cluster: context,
          user: names.user,
          ...(names.namespace === undefined ? {} : { namespace: names.namespace }),
        },
      },
    ],
    'current-context': context,
  };
}
