export type { ApiConnection, ApiRequest, ApiResponse } from './api-request.ts';
export { callApi, sendApiRequest } from './api-request.ts';
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
export { buildKubeconfig, readKubeconfig, writeKubeconfig } from './kubeconfig.ts';
export type {
  ServiceAccountIdentity,
  ServiceAccountKubeconfigOptions,
} from './service-account-kubeconfig.ts';
export { createServiceAccountKubeconfig } from './service-account-kubeconfig.ts';
export type { Envtest, EnvtestOptions, EnvtestUser } from './start-envtest.ts';
export { checkListenAddress, startEnvtest } from './start-envtest.ts';
export type { IssuedUser, TokenUser } from './token-file.ts';
export { adminUserName } from './token-file.ts';
