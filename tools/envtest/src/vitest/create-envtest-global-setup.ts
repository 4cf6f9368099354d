/**
 * A vitest globalSetup that starts one envtest for the whole test run, installs CRDs, hands the
 * kubeconfig to test files (inject('envtest') and BMLB_ENVTEST_KUBECONFIG), and stops it at the
 * end. When the binaries are not built yet and Go is missing, it skips loudly (fails under
 * BMLB_REQUIRE_ALL=1) and provides null.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkPrerequisites } from '@baremetal-lb/lab';
import type { TestProject } from 'vitest/node';
import { binariesAreReady } from '../ensure-binaries.ts';
import { envtestModuleDir } from '../ensure-go-tools.ts';
import { installCrds } from '../install-crds.ts';
import { type EnvtestOptions, startEnvtest } from '../start-envtest.ts';
import { type EnvtestContext, kubeconfigEnvironmentVariable } from './envtest-context.ts';

/** deploy/crds of this repository. */
export const repositoryCrdsDir: string = path.resolve(envtestModuleDir, '..', '..', 'deploy', 'crds');

export type EnvtestGlobalSetupOptions = EnvtestOptions & {
  /** CRD folders to install; default [repositoryCrdsDir] when it exists. */
  readonly crdDirs?: readonly string[];
  /** Suite name in the skip line. */
  readonly suite?: string;
};

export function createEnvtestGlobalSetup(
  options: EnvtestGlobalSetupOptions = {},
): (project: TestProject) => Promise<(() => Promise<void>) | undefined> {
  return async (project) => {
    const suite = options.suite ?? `${project.name}: integration tests against a real kube-apiserver`;
    const ready =
      (await binariesAreReady()) ||
      checkPrerequisites(suite, { commands: [{ name: 'go', debianPackage: 'golang-go' }] });
    if (!ready) {
      project.provide('envtest', null);
      return undefined;
    }
    const listenAddress = options.listenAddress ?? process.env.BMLB_ENVTEST_LISTEN_ADDRESS;
    const envtest = await startEnvtest({ ...options, ...(listenAddress ? { listenAddress } : {}) });
    try {
      const crdDirs = options.crdDirs ?? (existsSync(repositoryCrdsDir) ? [repositoryCrdsDir] : []);
      const crds: string[] = [];
      for (const dir of crdDirs) crds.push(...(await installCrds(envtest.kubeconfigPath, dir)));
      const context: EnvtestContext = {
        kubeconfigPath: envtest.kubeconfigPath,
        server: envtest.server,
        listenAddress: envtest.listenAddress,
        crds,
      };
      project.provide('envtest', context);
      process.env[kubeconfigEnvironmentVariable] = envtest.kubeconfigPath;
    } catch (error) {
      await envtest.stop();
      throw error;
    }
    return () => envtest.stop();
  };
}
