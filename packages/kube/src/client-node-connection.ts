import type { Credentials, KubeConnection, TlsSettings } from './kube-config.ts';
import { KubeConfigError } from './kube-error.ts';

/**
 * A user with an `exec` plugin or `auth-provider`: @kubernetes/client-node's KubeConfig runs it,
 * imported only on first use (importing it costs about 70 MB of memory). Everything else the
 * request needs (proxy, impersonation) stays ours.
 */
export function connectViaClientNode(options: {
  readonly server: string;
  readonly proxy: string | undefined;
  readonly file: string | undefined;
  readonly context: string;
  readonly source: string;
  readonly impersonation: Readonly<Record<string, string | readonly string[]>>;
}): KubeConnection {
  const { server, proxy, file, context, source, impersonation } = options;
  let kc: Promise<import('@kubernetes/client-node').KubeConfig> | undefined;
  return {
    server,
    ...(proxy ? { proxy } : {}),
    credentials: async (): Promise<Credentials> => {
      kc ??= import('@kubernetes/client-node').then(({ KubeConfig }) => {
        const config = new KubeConfig();
        try {
          if (file !== undefined) config.loadFromFile(file);
          else config.loadFromDefault();
          config.setCurrentContext(context);
        } catch (error) {
          throw new KubeConfigError(source, (error as Error).message, { cause: error });
        }
        return config;
      });
      const opts: {
        headers?: Record<string, unknown>;
        ca?: string | Buffer;
        cert?: string | Buffer;
        key?: string | Buffer;
        rejectUnauthorized?: boolean;
        servername?: string;
      } = {};
      await (await kc).applyToHTTPSOptions(opts as never);
      // Lower-case names, like ours (client-node writes `Authorization`); only the credential
      // headers: impersonation is ours, whatever client-node would add.
      const headers: Record<string, string | readonly string[]> = { ...impersonation };
      for (const [name, value] of Object.entries(opts.headers ?? {})) {
        const lower = name.toLowerCase();
        if (!lower.startsWith('impersonate-')) headers[lower] = String(value);
      }
      const tls: TlsSettings = {
        ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
        ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
        ...(opts.key !== undefined ? { key: opts.key } : {}),
        ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
        ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
      };
      return { headers, tls };
    },
  };
}
