/**
 * One real kube-apiserver + etcd for this package's integration tests, trusting a client CA made
 * here (openssl), so tests can issue and rotate client certificates. The CA's directory reaches
 * the test files through inject('kubeClientCa').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnvtestGlobalSetup } from '@baremetal-lb/envtest/vitest';
import { checkPrerequisites } from '@baremetal-lb/lab';
import type { TestProject } from 'vitest/node';
import { createClientCa } from './support/client-certificates.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory with ca.crt and ca.key of the client CA the API server trusts; null when skipped. */
    kubeClientCa: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const suite = 'kube: client certificates against a real kube-apiserver';
  if (!checkPrerequisites(suite, { commands: [{ name: 'openssl', debianPackage: 'openssl' }] })) {
    project.provide('kubeClientCa', null);
    project.provide('envtest', null);
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bmlb-kube-client-ca-'));
  createClientCa(dir);
  const teardown = await createEnvtestGlobalSetup({
    crdDirs: [],
    extraApiServerArgs: [
      `--client-ca-file=${path.join(dir, 'ca.crt')}`,
      // The 410 test needs a watch from a compacted resourceVersion: ConfigMap watches go straight
      // to etcd (no watch cache, which would keep recent history), and etcd compacts every 5 s.
      '--watch-cache-sizes=configmaps#0',
      '--etcd-compaction-interval=5s',
    ],
  })(project);
  project.provide('kubeClientCa', teardown ? dir : null);
  return async () => {
    await teardown?.();
    rmSync(dir, { recursive: true, force: true });
  };
}
