import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  binariesAreReady,
  binariesFromEnvironment,
  computeStamp,
  ensureBinaries,
} from './ensure-binaries.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-envtest-bin-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('binary stamp', () => {
  it('is ready only with both binaries and a matching stamp', async () => {
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
    await writeFile(path.join(dir, 'kube-apiserver'), '');
    await writeFile(path.join(dir, 'etcd'), '');
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
    await writeFile(path.join(dir, '.stamp'), `${await computeStamp()}\n`);
    expect(await binariesAreReady({ binDir: dir })).toBe(true);
    // Fresh binaries are returned without running Go.
    expect(await ensureBinaries({ binDir: dir, log: () => expect.fail('must not build') })).toEqual({
      kubeApiserver: path.join(dir, 'kube-apiserver'),
      etcd: path.join(dir, 'etcd'),
    });
    await writeFile(path.join(dir, '.stamp'), 'built-from-an-older-go.sum\n');
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
  });

  it('changes with the toolchain choice', async () => {
    const before = await computeStamp();
    const saved = process.env.GOTOOLCHAIN;
    process.env.GOTOOLCHAIN = 'go1.25.5';
    try {
      expect(await computeStamp()).not.toBe(before);
    } finally {
      if (saved === undefined) delete process.env.GOTOOLCHAIN;
      else process.env.GOTOOLCHAIN = saved;
    }
  });

  it('takes prebuilt binaries from the environment only when both are named', () => {
    expect(binariesFromEnvironment({ BMLB_ENVTEST_KUBE_APISERVER: '/x/kube-apiserver' })).toBeUndefined();
    expect(
      binariesFromEnvironment({
        BMLB_ENVTEST_KUBE_APISERVER: '/x/kube-apiserver',
        BMLB_ENVTEST_ETCD: '/x/etcd',
      }),
    ).toEqual({ kubeApiserver: '/x/kube-apiserver', etcd: '/x/etcd' });
  });
});
