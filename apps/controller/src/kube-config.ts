import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { KubeConfigError } from './errors.ts';

/** TLS settings for the connection to the API server (node:tls names). */
export type TlsSettings = {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
};

export type Credentials = {
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsSettings;
};

/** Where the API server is and how to authenticate to it. */
export interface KubeConnection {
  /** `https://host:port`, no trailing slash. */
  readonly server: string;
  /** Headers and TLS settings for the next requests; asked again periodically (tokens rotate). */
  credentials(): Promise<Credentials>;
}

/** The in-cluster ServiceAccount mount. */
export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads a kubeconfig: an explicit file, else in-cluster, else $KUBECONFIG / ~/.kube/config.
 *
 * Reads the common cases itself (in-cluster token, tokens, token files, client certificates,
 * basic auth, CA files or data, insecure-skip-tls-verify, tls-server-name). A user with an
 * `exec` plugin or `auth-provider`, impersonation, or a cluster behind `proxy-url` is handed to
 * @kubernetes/client-node, imported only then: importing it costs about 70 MB of memory (its
 * generated API models), which the common cases do without.
 */
export function loadKubeConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccount: string = serviceAccountDir,
): KubeConnection {
  if (file === undefined && env.KUBERNETES_SERVICE_HOST) return inCluster(env, serviceAccount);
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const files =
    file !== undefined
      ? [file]
      : listed.length > 0
        ? listed
        : [path.join(env.HOME ?? homedir(), '.kube', 'config')];
  const source = file ?? (env.KUBECONFIG ? `$KUBECONFIG "${env.KUBECONFIG}"` : `"${files[0]}"`);
  const documents: KubeconfigDocument[] = [];
  for (const name of files) {
    let text: string;
    try {
      text = readFileSync(name, 'utf8');
    } catch (error) {
      // Like kubectl, a missing file in a $KUBECONFIG list is skipped; an explicit one is an error.
      if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT' && files.length > 1)
        continue;
      throw new KubeConfigError(source, (error as Error).message, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw new KubeConfigError(source, `"${name}" is not YAML: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (parsed === null || typeof parsed !== 'object')
      throw new KubeConfigError(source, `"${name}" is not a kubeconfig`);
    documents.push({ dir: path.dirname(path.resolve(name)), config: parsed as Kubeconfig });
  }
  return fromDocuments(documents, source, file);
}

type Named<T> = { readonly name?: string } & T;
type Kubeconfig = {
  readonly 'current-context'?: string;
  readonly contexts?: ReadonlyArray<Named<{ readonly context?: { cluster?: string; user?: string } }>>;
  readonly clusters?: ReadonlyArray<Named<{ readonly cluster?: Record<string, unknown> }>>;
  readonly users?: ReadonlyArray<Named<{ readonly user?: Record<string, unknown> }>>;
};
type KubeconfigDocument = { readonly dir: string; readonly config: Kubeconfig };
type Entry = { readonly dir: string; readonly fields: Record<string, unknown> };

/** Merges documents the kubectl way (the first file naming a cluster, user or context wins). */
function fromDocuments(
  documents: readonly KubeconfigDocument[],
  source: string,
  file: string | undefined,
): KubeConnection {
  let current: string | undefined;
  const contexts = new Map<string, { cluster?: string; user?: string }>();
  const clusters = new Map<string, Entry>();
  const users = new Map<string, Entry>();
  for (const { dir, config } of documents) {
    current ??= config['current-context'] || undefined;
    for (const c of config.contexts ?? [])
      if (c?.name && !contexts.has(c.name)) contexts.set(c.name, c.context ?? {});
    for (const c of config.clusters ?? [])
      if (c?.name && !clusters.has(c.name)) clusters.set(c.name, { dir, fields: c.cluster ?? {} });
    for (const u of config.users ?? [])
      if (u?.name && !users.has(u.name)) users.set(u.name, { dir, fields: u.user ?? {} });
  }
  if (current === undefined) throw new KubeConfigError(source, 'no current-context');
  const context = contexts.get(current);
  if (!context) throw new KubeConfigError(source, `context "${current}" not found`);
  const cluster = context.cluster === undefined ? undefined : clusters.get(context.cluster);
  if (!cluster || typeof cluster.fields.server !== 'string' || cluster.fields.server === '')
    throw new KubeConfigError(source, 'no current cluster');
  const user: Entry = (context.user === undefined ? undefined : users.get(context.user)) ?? {
    dir: cluster.dir,
    fields: {},
  };
  const server = cluster.fields.server.replace(/\/+$/, '');
  const delegated = ['exec', 'auth-provider', 'as', 'as-groups', 'as-user-extra'].some(
    (key) => user.fields[key] !== undefined,
  );
  if (delegated || cluster.fields['proxy-url'] !== undefined) return viaClientNode(server, file, source);

  const read = (entry: Entry, dataKey: string, fileKey: string): Buffer | undefined => {
    const data = entry.fields[dataKey];
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    const name = entry.fields[fileKey];
    if (typeof name !== 'string' || name === '') return undefined;
    try {
      return readFileSync(path.resolve(entry.dir, name));
    } catch (error) {
      throw new KubeConfigError(source, `${fileKey} "${name}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const ca = read(cluster, 'certificate-authority-data', 'certificate-authority');
  const cert = read(user, 'client-certificate-data', 'client-certificate');
  const key = read(user, 'client-key-data', 'client-key');
  const tls: TlsSettings = {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster.fields['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(typeof cluster.fields['tls-server-name'] === 'string' && cluster.fields['tls-server-name'] !== ''
      ? { servername: cluster.fields['tls-server-name'] }
      : {}),
  };
  const { token, tokenFile, username, password } = user.fields;
  return {
    server,
    credentials: async () => {
      const headers: Record<string, string> = {};
      if (typeof token === 'string' && token !== '') headers.authorization = `Bearer ${token}`;
      else if (typeof tokenFile === 'string' && tokenFile !== '')
        headers.authorization = `Bearer ${readToken(path.resolve(user.dir, tokenFile), source)}`;
      else if (typeof username === 'string' && typeof password === 'string')
        headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      return { headers, tls };
    },
  };
}

/** The Pod's ServiceAccount: the token file is re-read on every refresh (the kubelet rotates it). */
function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConnection {
  const source = 'in-cluster service account';
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  let ca: Buffer;
  try {
    ca = readFileSync(path.join(dir, 'ca.crt'));
  } catch (error) {
    throw new KubeConfigError(source, (error as Error).message, { cause: error });
  }
  const tokenPath = path.join(dir, 'token');
  readToken(tokenPath, source);
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    credentials: async () => ({
      headers: { authorization: `Bearer ${readToken(tokenPath, source)}` },
      tls: { ca },
    }),
  };
}

function readToken(file: string, source: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new KubeConfigError(source, `token file "${file}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Authentication plugins and the rest: client-node's KubeConfig, loaded on first use. */
function viaClientNode(server: string, file: string | undefined, source: string): KubeConnection {
  let kc: Promise<import('@kubernetes/client-node').KubeConfig> | undefined;
  return {
    server,
    credentials: async () => {
      kc ??= import('@kubernetes/client-node').then(({ KubeConfig }) => {
        const config = new KubeConfig();
        try {
          if (file !== undefined) config.loadFromFile(file);
          else config.loadFromDefault();
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
      // Lower-case names, like ours (client-node writes `Authorization`).
      const headers = Object.fromEntries(
        Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
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
