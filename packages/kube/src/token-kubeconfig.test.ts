import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kube-config.ts';
import { tokenKubeconfig } from './token-kubeconfig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bmlb-token-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const connection = { server: 'https://198.51.100.1:6443', caPem: 'CA PEM\n', token: 't0k3n' };

describe('tokenKubeconfig', () => {
  it('is read back by loadKubeConfig: server, embedded CA and bearer token', async () => {
    const file = path.join(dir, 'sa');
    writeFileSync(file, JSON.stringify(tokenKubeconfig(connection, { user: 'system:serviceaccount:ns:sa' })));
    const loaded = loadKubeConfig(file, {});
    expect(loaded.server).toBe('https://198.51.100.1:6443');
    const { headers, tls } = await loaded.credentials();
    expect(headers).toEqual({ authorization: 'Bearer t0k3n' });
    expect(String(tls.ca)).toBe('CA PEM\n');
  });

  it('names the context after the user unless told, with the namespace given', () => {
    const byUser = tokenKubeconfig(connection, { user: 'u1', namespace: 'ns' }) as Record<string, unknown>;
    expect(byUser['current-context']).toBe('u1');
    expect(byUser.contexts).toEqual([
      { name: 'u1', context: { cluster: 'u1', user: 'u1', namespace: 'ns' } },
    ]);
    const named = tokenKubeconfig(connection, { user: 'u1', context: 'envtest' }) as Record<string, unknown>;
    expect(named['current-context']).toBe('envtest');
    expect(named.contexts).toEqual([{ name: 'envtest', context: { cluster: 'envtest', user: 'u1' } }]);
  });
});
