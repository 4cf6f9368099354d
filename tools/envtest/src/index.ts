export type { StoppedApiServer } from './api-server-outage.ts';
export { stopApiServer } from './api-server-outage.ts';
export { createTestNamespace } from './create-test-namespace.ts';
export type { Binaries, EnsureBinariesOptions } from './ensure-binaries.ts';
export { binariesAreReady, ensureBinaries } from './ensure-binaries.ts';
export type { EnsureGoToolsOptions, GoToolPaths } from './ensure-go-tools.ts';
export {
  defaultBinDir,
  ensureGoTools,
  environmentVariableOf,
  envtestModuleDir,
  goToolsAreReady,
} from './ensure-go-tools.ts';
export { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
export type { GoModule, GoTool, GoToolName } from './go-tools.ts';
export { goToolNames, goTools, isGoToolName, kubernetesVersion } from './go-tools.ts';
export { installCrds, readCrdDocuments } from './install-crds.ts';
export type { ApiConnection } from './kubeconfig.ts';
export {
  buildKubeconfig,
  decoyContext,
  envtestContext,
  readKubeconfig,
  writeDecoyKubeconfig,
  writeKubeconfig,
} from './kubeconfig.ts';
export { kubeClientOf, openKubeClient, withKubeClient } from './open-kube-client.ts';
export type {
  ServiceAccountIdentity,
  ServiceAccountKubeconfigOptions,
} from './service-account-kubeconfig.ts';
export { createServiceAccountKubeconfig } from './service-account-kubeconfig.ts';
export type { ResourceAttributes } from './service-account-may.ts';
export { serviceAccountMay } from './service-account-may.ts';
export type { Envtest, EnvtestOptions, EnvtestUser } from './start-envtest.ts';
export { checkListenAddress, startEnvtest } from './start-envtest.ts';
export type { IssuedUser, TokenUser } from './token-file.ts';
export { adminUserName } from './token-file.ts';
