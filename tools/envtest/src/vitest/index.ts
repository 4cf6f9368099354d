export {
  createEnvtestGlobalSetup,
  type EnvtestGlobalSetupOptions,
  repositoryCrdsDir,
} from './create-envtest-global-setup.ts';
export { type EnvtestContext, kubeconfigEnvironmentVariable } from './envtest-context.ts';
export { injectEnvtest } from './inject-envtest.ts';
