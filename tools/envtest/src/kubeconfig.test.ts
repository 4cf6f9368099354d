import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvtestError } from './envtest-error.ts';
import { buildKubeconfig, readKubeconfig, writeDecoyKubeconfig, writeKubeconfig } from './kubeconfig.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-envtest-unit-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const connection = {
  server: 'https://192.0.2.1:6443',
  caPem: '-----BEGIN CERTIFICATE-----\nAA==\n',
  token: 't0k3n',
};

describe('kubeconfig', () => {
  it('embeds the CA and round-trips through a file readable only by its owner', async () => {
    const file = path.join(dir, 'kc');
    await writeKubeconfig(file, connection, 'someone');
    expect(await readKubeconfig(file)).toEqual(connection);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('names the user and selects the context', () => {
    const config = buildKubeconfig(connection, 'u1') as Record<string, unknown>;
    expect(config['current-context']).toBe('envtest');
    expect(JSON.stringify(config)).toContain('"name":"u1"');
  });

  it('writes a decoy copy whose current context points nowhere, the real one kept as envtest', async () => {
    const file = path.join(dir, 'real');
    const decoy = path.join(dir, 'decoy');
    await writeKubeconfig(file, connection, 'someone');
    await writeDecoyKubeconfig(file, decoy);
    const config = JSON.parse(await readFile(decoy, 'utf8'));
    expect(config['current-context']).toBe('nowhere');
    expect(config.contexts).toEqual([
      { name: 'envtest', context: { cluster: 'envtest', user: 'someone' } },
      { name: 'nowhere', context: { cluster: 'nowhere', user: 'someone' } },
    ]);
    expect(config.clusters[1]).toEqual({ name: 'nowhere', cluster: { server: 'https://127.0.0.1:1' } });
    expect((await stat(decoy)).mode & 0o777).toBe(0o600);
  });

  it('rejects a kubeconfig without a token', async () => {
    const file = path.join(dir, 'bad');
    await writeFile(file, JSON.stringify({ clusters: [{ cluster: { server: 'https://x' } }] }));
    await expect(readKubeconfig(file)).rejects.toThrow(EnvtestError);
    await expect(readKubeconfig(path.join(dir, 'missing'))).rejects.toMatchObject({
      code: 'ERR_ENVTEST_BAD_KUBECONFIG',
    });
  });
});
