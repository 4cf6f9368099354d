export { DeployCheckError, DeployCheckErrorCode } from './deploy-check-error.ts';
export { chartDir, deployDir, repoRoot } from './deploy-paths.ts';
export type { DeployTools, RenderChartOptions } from './deploy-tools.ts';
export { prepareDeployTools } from './deploy-tools.ts';
export type { KubeObject } from './manifests.ts';
export { objectKey, parseManifests, sortObjects, withoutHelmMetadata } from './manifests.ts';
export {
  fetchMonitorCrds,
  prometheusOperatorModule,
  prometheusOperatorVersion,
} from './prometheus-operator-crds.ts';
