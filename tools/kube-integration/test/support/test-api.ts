import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openKubeClient, readKubeconfig } from '@baremetal-lb/envtest';
import type { EnvtestContext } from '@baremetal-lb/envtest/vitest';
import { type HttpKubeClient, KubeApiError, type KubeObject } from '@baremetal-lb/kube';

/** Admin-side setup for the integration tests (the clients under test get their own kubeconfigs). */
export class TestApi {
  readonly admin: HttpKubeClient;
  readonly server: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly dir: string;

  private constructor(admin: HttpKubeClient, connection: { server: string; caPem: string; token: string }) {
    this.admin = admin;
    this.server = connection.server;
    this.caPem = connection.caPem;
    this.adminToken = connection.token;
    this.dir = mkdtempSync(path.join(tmpdir(), 'bmlb-kube-it-'));
  }

  static async open(envtest: EnvtestContext): Promise<TestApi> {
    const connection = await readKubeconfig(envtest.kubeconfigPath);
    // Setup creates thousands of objects: the harness client has a generous budget.
    return new TestApi(openKubeClient(envtest.kubeconfigPath), connection);
  }

  /** A new namespace `kube-it-PREFIX-xxxxxx`. */
  async namespace(prefix: string): Promise<string> {
    const name = `kube-it-${prefix}-${Math.random().toString(16).slice(2, 8)}`;
    await this.admin.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
    return name;
  }

  async createConfigMap(
    namespace: string,
    name: string,
    data: Record<string, string> = {},
  ): Promise<KubeObject> {
    return this.admin.request<KubeObject>('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
      body: { metadata: { name }, data },
    });
  }

  /** Names and resourceVersions of the configmaps in `namespace`, from a fresh list. */
  async configMapVersions(namespace: string): Promise<Map<string, string>> {
    const list = await this.admin.request<{ items: KubeObject[] }>(
      'GET',
      `/api/v1/namespaces/${namespace}/configmaps`,
    );
    return new Map(list.items.map((item) => [item.metadata.name, item.metadata.resourceVersion ?? '']));
  }

  /** Creates an RBAC object, ignoring "already exists". */
  async apply(apiPath: string, body: object): Promise<void> {
    try {
      await this.admin.request('POST', apiPath, { body });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.isConflict)) throw error;
    }
  }

  /** Lets `subject` (a User or ServiceAccount) get and list configmaps in `namespace`. */
  async allowConfigMaps(
    namespace: string,
    subject: { kind: 'User' | 'ServiceAccount'; name: string; namespace?: string },
  ): Promise<void> {
    await this.apply(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
      metadata: { name: 'configmap-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    });
    const binding = `configmap-reader-${subject.name.replace(/[^a-z0-9-]/g, '-')}`;
    await this.apply(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      metadata: { name: binding },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [
        subject.kind === 'User'
          ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: subject.name }
          : { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace ?? namespace },
      ],
    });
  }

  /**
   * Writes a kubeconfig for this server with `user` fields (and extra `cluster` fields, such as
   * proxy-url), and returns its path.
   */
  writeKubeconfig(
    name: string,
    user: Record<string, unknown>,
    cluster: Record<string, unknown> = {},
  ): string {
    const file = path.join(this.dir, name);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: {
            server: this.server,
            'certificate-authority-data': Buffer.from(this.caPem).toString('base64'),
            ...cluster,
          },
        },
      ],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    };
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
    return file;
  }

  async close(): Promise<void> {
    await this.admin.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The user the API server sees for `client` (SelfSubjectReview, allowed to every authenticated user). */
export async function whoAmI(client: HttpKubeClient): Promise<string> {
  const review = await client.request<{ status: { userInfo: { username: string } } }>(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
  );
  return review.status.userInfo.username;
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
