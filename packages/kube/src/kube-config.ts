import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { connectViaClientNode } from './client-node-connection.ts';
import { type Impersonation, impersonatedFields, impersonationHeaders } from './impersonation-headers.ts';
import { loadInCluster, serviceAccountDir } from './in-cluster-config.ts';
import { KubeConfigError } from './kube-error.ts';
import { proxyForServer } from './proxy-for-server.ts';
import { ReloadingFile } from './reloading-file.ts';

/** TLS settings for the connection to the API server (node:tls names). */
export type TlsSettings = {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
};

export type Credentials = {
  /** Lower-case header names; a list value is sent as repeated headers (Impersonate-Group). */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly tls: TlsSettings;
};

/** Where the API server is and how to authenticate to it. */
export interface KubeConnection {
  /** `https://host:port`, no trailing slash. */
  readonly server: string;
  /** An `http://` proxy to tunnel through with CONNECT (kubeconfig proxy-url or $HTTPS_PROXY). */
  readonly proxy?: string;
  /**
   * Headers and TLS settings for the next requests, asked again periodically and after a 401:
   * token files, CA files and client certificates rotate; files are re-read on every call.
   */
  credentials(): Promise<Credentials>;
}

export type LoadKubeConfigOptions = {
  /**
   * The context to use instead of current-context (kubectl's --context). Naming one means a
   * kubeconfig is wanted: in-cluster config is not used then.
   */
  readonly context?: string;
  /** Impersonation that replaces the user's `as`, `as-uid` and `as-groups` fields. */
  readonly impersonate?: Impersonation;
  /** The ServiceAccount mount for in-cluster config. */
  readonly serviceAccountDir?: string;
};

export { serviceAccountDir };

/**
 * Loads a kubeconfig: an explicit file, else in-cluster, else $KUBECONFIG / ~/.kube/config.
 *
 * Reads the fields the apps document itself: tokens and token files (a tokenFile wins over token,
 * as in client-go), client certificates, basic auth, CA files or data, insecure-skip-tls-verify,
 * tls-server-name, proxy-url ($HTTPS_PROXY / $NO_PROXY otherwise), impersonation (as, as-uid,
 * as-groups, as-user-extra). Only an `exec` plugin or `auth-provider` is handed to
 * @kubernetes/client-node, imported only then: importing it costs about 70 MB of memory.
 */
export function loadKubeConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadKubeConfigOptions = {},
): KubeConnection {
  if (file === undefined && options.context === undefined && env.KUBERNETES_SERVICE_HOST)
    return loadInCluster(
      env,
      options.serviceAccountDir ?? serviceAccountDir,
      impersonatedFields(options.impersonate),
    );
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
  return fromDocuments(documents, { source, file, env, options });
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
type Origin = {
  readonly source: string;
  readonly file: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly options: LoadKubeConfigOptions;
};

/** Merges documents the kubectl way (the first file naming a cluster, user or context wins). */
function fromDocuments(documents: readonly KubeconfigDocument[], origin: Origin): KubeConnection {
  const { source } = origin;
  let current = origin.options.context;
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
  const proxyUrl = cluster.fields['proxy-url'];
  const proxy = proxyForServer(
    server,
    typeof proxyUrl === 'string' ? proxyUrl : undefined,
    origin.env,
    source,
  );
  const impersonation = impersonationHeaders({
    ...user.fields,
    ...impersonatedFields(origin.options.impersonate),
  });
  if (user.fields.exec !== undefined || user.fields['auth-provider'] !== undefined)
    return connectViaClientNode({
      server,
      proxy,
      file: origin.file,
      context: current,
      source,
      impersonation,
    });

  const material = (entry: Entry, dataKey: string, fileKey: string): ReloadingFile | Buffer | undefined => {
    const data = entry.fields[dataKey];
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    const name = entry.fields[fileKey];
    if (typeof name !== 'string' || name === '') return undefined;
    return new ReloadingFile(path.resolve(entry.dir, name), `${fileKey} "${name}"`, source);
  };
  const ca = material(cluster, 'certificate-authority-data', 'certificate-authority');
  const cert = material(user, 'client-certificate-data', 'client-certificate');
  const key = material(user, 'client-key-data', 'client-key');
  const tokenFile =
    typeof user.fields.tokenFile === 'string' && user.fields.tokenFile !== '' ? user.fields.tokenFile : '';
  const tokenSource = tokenFile
    ? new ReloadingFile(path.resolve(user.dir, tokenFile), `token file "${tokenFile}"`, source)
    : undefined;
  const fixed: TlsSettings = {
    ...(cluster.fields['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(typeof cluster.fields['tls-server-name'] === 'string' && cluster.fields['tls-server-name'] !== ''
      ? { servername: cluster.fields['tls-server-name'] }
      : {}),
  };
  const { token, username, password } = user.fields;
  const readNow = (m: ReloadingFile | Buffer | undefined) => (m instanceof ReloadingFile ? m.read() : m);
  return {
    server,
    ...(proxy ? { proxy } : {}),
    credentials: async () => {
      const headers: Record<string, string | readonly string[]> = { ...impersonation };
      // client-go: a tokenFile, re-read as it rotates, takes precedence over a static token.
      if (tokenSource) headers.authorization = `Bearer ${tokenSource.read().toString('utf8').trim()}`;
      else if (typeof token === 'string' && token !== '') headers.authorization = `Bearer ${token}`;
      else if (typeof username === 'string' && typeof password === 'string')
        headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      const [caNow, certNow, keyNow] = [readNow(ca), readNow(cert), readNow(key)];
      const tls: TlsSettings = {
        ...(caNow ? { ca: caNow } : {}),
        ...(certNow ? { cert: certNow } : {}),
        ...(keyNow ? { key: keyNow } : {}),
        ...fixed,
      };
      return { headers, tls };
    },
  };
}
