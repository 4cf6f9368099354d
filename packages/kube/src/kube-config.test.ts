import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kube-config.ts';
import { KubeConfigError } from './kube-error.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bmlb-controller-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(content: string, name = `config-${++counter}`): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function kubeconfig(cluster: string, user: string, current = 'ctx'): string {
  return `apiVersion: v1
kind: Config
current-context: ${current}
contexts:
- name: ctx
  context: {cluster: c, user: u}
clusters:
- name: c
  cluster:
${cluster}
users:
- name: u
  user:
${user}
`;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('loadKubeConfig', () => {
  it('reads a token user with inline CA data, server without trailing slash', async () => {
    const file = write(
      kubeconfig(
        `    server: https://192.0.2.10:6443/\n    certificate-authority-data: ${b64('CA PEM')}\n    tls-server-name: api.example`,
        '    token: t0k3n',
      ),
    );
    const connection = loadKubeConfig(file, {});
    expect(connection.server).toBe('https://192.0.2.10:6443');
    const { headers, tls } = await connection.credentials();
    expect(headers).toEqual({ authorization: 'Bearer t0k3n' });
    expect(String(tls.ca)).toBe('CA PEM');
    expect(tls.servername).toBe('api.example');
    expect(tls.rejectUnauthorized).toBeUndefined();
  });

  it('reads files relative to the kubeconfig and re-reads a tokenFile each time', async () => {
    write('CERT', 'client.crt');
    write('KEY', 'client.key');
    write('CA', 'ca.crt');
    const tokenFile = write('first\n', 'token');
    const file = write(
      kubeconfig(
        '    server: https://192.0.2.10\n    certificate-authority: ca.crt\n    insecure-skip-tls-verify: true',
        '    client-certificate: client.crt\n    client-key: client.key\n    tokenFile: token',
      ),
    );
    const connection = loadKubeConfig(file, {});
    const first = await connection.credentials();
    expect([String(first.tls.ca), String(first.tls.cert), String(first.tls.key)]).toEqual([
      'CA',
      'CERT',
      'KEY',
    ]);
    expect(first.tls.rejectUnauthorized).toBe(false);
    expect(first.headers.authorization).toBe('Bearer first');
    writeFileSync(tokenFile, 'rotated');
    expect((await connection.credentials()).headers.authorization).toBe('Bearer rotated');
  });

  it('sends basic auth for a username and password', async () => {
    const file = write(
      kubeconfig('    server: https://192.0.2.10', '    username: admin\n    password: s3cret'),
    );
    expect((await loadKubeConfig(file, {}).credentials()).headers.authorization).toBe(
      `Basic ${b64('admin:s3cret')}`,
    );
  });

  it('merges a $KUBECONFIG list the kubectl way: first file wins, missing files skipped', async () => {
    const first = write('current-context: ctx\nusers:\n- name: u\n  user: {token: from-first}\n');
    const second = write(kubeconfig('    server: https://198.51.100.1', '    token: from-second', 'other'));
    const connection = loadKubeConfig(undefined, {
      KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter),
    });
    expect(connection.server).toBe('https://198.51.100.1');
    expect((await connection.credentials()).headers.authorization).toBe('Bearer from-first');
  });

  it('uses ~/.kube/config without $KUBECONFIG', () => {
    const home = path.join(dir, 'home');
    const kube = path.join(home, '.kube');
    mkdirSync(kube, { recursive: true });
    writeFileSync(path.join(kube, 'config'), kubeconfig('    server: https://203.0.113.5', '    token: t'));
    expect(loadKubeConfig(undefined, { HOME: home }).server).toBe('https://203.0.113.5');
  });

  it('in a Pod: the ServiceAccount mount, an IPv6 host in brackets, the token re-read (rotation)', async () => {
    const mount = path.join(dir, 'serviceaccount');
    mkdirSync(mount, { recursive: true });
    writeFileSync(path.join(mount, 'ca.crt'), 'CLUSTER CA');
    writeFileSync(path.join(mount, 'token'), 'pod-token\n');
    const connection = loadKubeConfig(
      undefined,
      { KUBERNETES_SERVICE_HOST: '2001:db8::1', KUBERNETES_SERVICE_PORT: '6443' },
      { serviceAccountDir: mount },
    );
    expect(connection.server).toBe('https://[2001:db8::1]:6443');
    const first = await connection.credentials();
    expect([first.headers.authorization, String(first.tls.ca)]).toEqual(['Bearer pod-token', 'CLUSTER CA']);
    writeFileSync(path.join(mount, 'token'), 'rotated');
    expect((await connection.credentials()).headers.authorization).toBe('Bearer rotated');
    const missing = () =>
      loadKubeConfig(
        undefined,
        { KUBERNETES_SERVICE_HOST: '192.0.2.1' },
        { serviceAccountDir: path.join(dir, 'none') },
      );
    expect(missing).toThrow(KubeConfigError);
  });

  it.each([
    ['a missing file', () => loadKubeConfig(path.join(dir, 'nope'), {}), 'ENOENT'],
    ['not YAML', () => loadKubeConfig(write('a: [b'), {}), 'is not YAML'],
    ['not a mapping', () => loadKubeConfig(write('42'), {}), 'is not a kubeconfig'],
    ['no current-context', () => loadKubeConfig(write('clusters: []'), {}), 'no current-context'],
    [
      'an unknown context',
      () => loadKubeConfig(write(kubeconfig('    server: https://192.0.2.1', '    token: t', 'gone')), {}),
      'context "gone" not found',
    ],
    [
      'a cluster without server',
      () => loadKubeConfig(write(kubeconfig('    insecure-skip-tls-verify: true', '    token: t')), {}),
      'no current cluster',
    ],
    [
      'a missing CA file',
      () =>
        loadKubeConfig(
          write(
            kubeconfig('    server: https://192.0.2.1\n    certificate-authority: no.crt', '    token: t'),
          ),
          {},
        ),
      'certificate-authority "no.crt"',
    ],
  ])('throws KubeConfigError for %s', (_name, load, message) => {
    expect(load).toThrow(KubeConfigError);
    expect(load).toThrow(message);
  });

  it('hands an exec plugin to client-node, which runs it', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    });
    const script = write(`process.stdout.write(${JSON.stringify(credential)});`, 'exec.mjs');
    const file = write(
      kubeconfig(
        '    server: https://192.0.2.10',
        `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(script)}]\n      interactiveMode: Never`,
      ),
    );
    const connection = loadKubeConfig(file, {});
    expect(connection.server).toBe('https://192.0.2.10');
    expect((await connection.credentials()).headers.authorization).toBe('Bearer from-exec');
  });
});

describe('loadKubeConfig: fields beyond the basics', () => {
  it('lets a tokenFile win over a static token (as client-go does)', async () => {
    write('from-file\n', 'token-wins');
    const file = write(
      kubeconfig('    server: https://203.0.113.1', '    token: static\n    tokenFile: token-wins'),
    );
    expect((await loadKubeConfig(file, {}).credentials()).headers.authorization).toBe('Bearer from-file');
  });

  it('picks another context than current-context on request', async () => {
    const file = write(`apiVersion: v1
kind: Config
current-context: a
contexts:
- {name: a, context: {cluster: ca, user: u}}
- {name: b, context: {cluster: cb, user: u}}
clusters:
- {name: ca, cluster: {server: "https://203.0.113.1"}}
- {name: cb, cluster: {server: "https://203.0.113.2", proxy-url: "http://198.51.100.1:3128"}}
users:
- {name: u, user: {token: t}}
`);
    expect(loadKubeConfig(file, {}).server).toBe('https://203.0.113.1');
    const other = loadKubeConfig(file, {}, { context: 'b' });
    expect([other.server, other.proxy]).toEqual(['https://203.0.113.2', 'http://198.51.100.1:3128']);
    expect(() => loadKubeConfig(file, {}, { context: 'c' })).toThrow('context "c" not found');
  });

  it('sends impersonation headers for as, as-uid, as-groups and as-user-extra', async () => {
    const file = write(
      kubeconfig(
        '    server: https://203.0.113.1',
        '    token: t\n    as: jane\n    as-uid: "42"\n    as-groups: [dev, ops]\n    as-user-extra:\n      reason/why: [audit]',
      ),
    );
    expect((await loadKubeConfig(file, {}).credentials()).headers).toEqual({
      authorization: 'Bearer t',
      'impersonate-user': 'jane',
      'impersonate-uid': '42',
      'impersonate-group': ['dev', 'ops'],
      'impersonate-extra-reason%2fwhy': ['audit'],
    });
  });

  it("lets --as / --as-group / --as-uid replace the user's impersonation, extras kept, in a Pod too", async () => {
    const file = write(
      kubeconfig(
        '    server: https://203.0.113.1',
        '    token: t\n    as: jane\n    as-uid: "42"\n    as-groups: [dev]\n    as-user-extra:\n      scope: [x]',
      ),
    );
    const impersonate = { user: 'system:serviceaccount:metallb-system:speaker', groups: ['ops'] };
    expect((await loadKubeConfig(file, {}, { impersonate }).credentials()).headers).toEqual({
      authorization: 'Bearer t',
      'impersonate-user': 'system:serviceaccount:metallb-system:speaker',
      'impersonate-group': ['ops'],
      'impersonate-extra-scope': ['x'],
    });
    const mount = path.join(dir, 'serviceaccount-as');
    mkdirSync(mount, { recursive: true });
    writeFileSync(path.join(mount, 'ca.crt'), 'CLUSTER CA');
    writeFileSync(path.join(mount, 'token'), 'pod-token');
    const inPod = loadKubeConfig(
      undefined,
      { KUBERNETES_SERVICE_HOST: '198.51.100.1' },
      { serviceAccountDir: mount, impersonate: { user: 'auditor', uid: '7' } },
    );
    expect((await inPod.credentials()).headers).toEqual({
      authorization: 'Bearer pod-token',
      'impersonate-user': 'auditor',
      'impersonate-uid': '7',
    });
  });

  it("uses a kubeconfig, not the Pod's ServiceAccount, when a context is named", () => {
    const home = path.join(dir, 'home-context');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    writeFileSync(
      path.join(home, '.kube', 'config'),
      kubeconfig('    server: https://203.0.113.9', '    token: t', 'ctx'),
    );
    const env = { HOME: home, KUBERNETES_SERVICE_HOST: '198.51.100.1' };
    expect(loadKubeConfig(undefined, env, { context: 'ctx' }).server).toBe('https://203.0.113.9');
    expect(loadKubeConfig(undefined, env, { serviceAccountDir: dir }).server).toBe(
      'https://198.51.100.1:443',
    );
  });

  it('re-reads a rotated client certificate, and keeps the last one while a file is missing', async () => {
    const cert = write('CERT-1', 'rotating.crt');
    write('KEY-1', 'rotating.key');
    const file = write(
      kubeconfig(
        '    server: https://203.0.113.1',
        '    client-certificate: rotating.crt\n    client-key: rotating.key',
      ),
    );
    const connection = loadKubeConfig(file, {});
    expect(String((await connection.credentials()).tls.cert)).toBe('CERT-1');
    writeFileSync(cert, 'CERT-2');
    expect(String((await connection.credentials()).tls.cert)).toBe('CERT-2');
    rmSync(cert);
    expect(String((await connection.credentials()).tls.cert)).toBe('CERT-2');
  });
});
