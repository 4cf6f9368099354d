export { checkSubnetFree, findSubnetUse, SubnetInUseError } from './check-subnet-free.ts';
export { pendingCleanupCount, registerCleanup } from './cleanup-registry.ts';
export type { ApiServerProcess } from './cluster/api-server-process.ts';
export type { AppLaunch, AppLauncher, AppName, RunningApp } from './cluster/app-launcher.ts';
export { childApp, createProcessLauncher, logTo } from './cluster/app-launcher.ts';
export type { ClusterAdmin } from './cluster/service-account-kubeconfig.ts';
export { writeServiceAccountKubeconfig } from './cluster/service-account-kubeconfig.ts';
export type { Lab, LabBridge, LabOptions } from './create-lab.ts';
export { createLab, LabBridgeMode } from './create-lab.ts';
export type { Cidr } from './documentation-address.ts';
export { formatCidr, isDocumentationAddress, parseDocumentationCidr } from './documentation-address.ts';
export type { HeapAllocation } from './heap-allocation.ts';
export { measureHeapAllocation } from './heap-allocation.ts';
export type { HeapGroup } from './heap-summary.ts';
export { summarizeHeapSnapshot } from './heap-summary.ts';
export type { ImageRuntime } from './image-runtime.ts';
export { imageRuntime, parseImageRuntime } from './image-runtime.ts';
export { isProcessAlive } from './is-process-alive.ts';
export {
  InvalidLabNameError,
  InvalidTopologyError,
  LabCommandError,
  LabDestroyedError,
  LabError,
  NonDocumentationAddressError,
} from './lab-error.ts';
export type { LabHostAddresses } from './lab-host.ts';
export { LabHost } from './lab-host.ts';
export type { CommandNeed, FileNeed, Needs } from './prerequisites.ts';
export { checkPrerequisites, findMissing, hasCommand, MissingPrerequisiteError } from './prerequisites.ts';
export type { LabNode, QuickstartCluster, QuickstartOptions } from './quickstart/quickstart-cluster.ts';
export { metallbNamespace, nodeNames, startQuickstartCluster } from './quickstart/quickstart-cluster.ts';
export { quickstartNeeds } from './quickstart/quickstart-prerequisites.ts';
export type { QuickstartResult, RunQuickstartOptions } from './quickstart/run-quickstart.ts';
export { listStatusNodes, runQuickstart } from './quickstart/run-quickstart.ts';
export { isHealthy, waitFor } from './quickstart/wait-for.ts';
export type { CommandResult } from './run-command.ts';
export { runCommand } from './run-command.ts';
export type { SmapsBreakdown } from './smaps-breakdown.ts';
export { breakDownSmaps, readSmapsBreakdown } from './smaps-breakdown.ts';
export { resumeProcess, suspendProcess } from './suspend-process.ts';
export type { SweepResult } from './sweep-stale-labs.ts';
export { listLabNamespaces, sweepStaleLabs } from './sweep-stale-labs.ts';
export type { ThreadScheduling } from './thread-scheduling.ts';
export { SCHED_FIFO, threadScheduling } from './thread-scheduling.ts';
