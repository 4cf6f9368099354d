import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binariesAreReady, ensureBinaries } from './ensure-binaries.ts';
import {
  computeStamp,
  ensureGoTools,
  environmentVariableOf,
  envtestModuleDir,
  goToolsAreReady,
} from './ensure-go-tools.ts';
import { goToolNames, goTools } from './go-tools.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-envtest-bin-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const mustNotBuild = (line: string) => expect.fail(`must not build: ${line}`);

describe('binary stamps', () => {
  it('are ready only with the binaries and matching stamps', async () => {
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
    await writeFile(path.join(dir, 'kube-apiserver'), '');
    await writeFile(path.join(dir, 'etcd'), '');
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
    await writeFile(path.join(dir, '.stamp-kube-apiserver'), `${await computeStamp('kube-apiserver')}\n`);
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
    await writeFile(path.join(dir, '.stamp-etcd'), `${await computeStamp('etcd')}\n`);
    expect(await binariesAreReady({ binDir: dir })).toBe(true);
    // Fresh binaries are returned without running Go.
    expect(await ensureBinaries({ binDir: dir, log: mustNotBuild })).toEqual({
      kubeApiserver: path.join(dir, 'kube-apiserver'),
      etcd: path.join(dir, 'etcd'),
    });
    await writeFile(path.join(dir, '.stamp-etcd'), 'built-from-an-older-go.sum\n');
    expect(await binariesAreReady({ binDir: dir })).toBe(false);
  });

  it('differ per binary and per module', async () => {
    const stamps = await Promise.all(goToolNames.map((name) => computeStamp(name)));
    expect(new Set(stamps).size).toBe(goToolNames.length);
  });

  it('change with the toolchain choice', async () => {
    const before = await computeStamp('helm');
    const saved = process.env.GOTOOLCHAIN;
    process.env.GOTOOLCHAIN = 'go1.25.5';
    try {
      expect(await computeStamp('helm')).not.toBe(before);
    } finally {
      if (saved === undefined) delete process.env.GOTOOLCHAIN;
      else process.env.GOTOOLCHAIN = saved;
    }
  });
});

describe('prebuilt binaries from the environment', () => {
  it('are named BMLB_ENVTEST_<NAME>', () => {
    expect(environmentVariableOf('kube-controller-manager')).toBe('BMLB_ENVTEST_KUBE_CONTROLLER_MANAGER');
    expect(environmentVariableOf('helm')).toBe('BMLB_ENVTEST_HELM');
  });

  it('are used without building, each on its own', async () => {
    const env = { BMLB_ENVTEST_KUBECTL: '/x/kubectl', BMLB_ENVTEST_HELM: '/y/helm' };
    expect(await goToolsAreReady(['kubectl', 'helm'], { binDir: dir, env })).toBe(true);
    expect(await goToolsAreReady(['kubectl', 'kustomize'], { binDir: dir, env })).toBe(false);
    expect(await ensureGoTools(['kubectl', 'helm'], { binDir: dir, env, log: mustNotBuild })).toEqual({
      kubectl: '/x/kubectl',
      helm: '/y/helm',
    });
  });
});

describe('go-tools table', () => {
  it.each(goToolNames)('states the version that go.mod requires (%s)', async (name) => {
    const tool = goTools[name];
    const goMod = await readFile(path.join(envtestModuleDir, tool.module.dir, 'go.mod'), 'utf8');
    const required = new RegExp(
      `^\\s*(?:require\\s+)?${tool.upstreamModule.replaceAll('.', '\\.')} (\\S+)`,
      'm',
    );
    expect(required.exec(goMod)?.[1]).toBe(tool.version);
  });
});
