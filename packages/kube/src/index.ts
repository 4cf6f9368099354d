export { toJson } from './api-response.ts';
export type { BackoffOptions, Random } from './backoff.ts';
export { Backoff, backoffDelayMs } from './backoff.ts';
export type { ClientFlags, ClientFlagValues } from './client-flags.ts';
export { clientFlagOptions, clientFlagsUsage, readClientFlags } from './client-flags.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { sleep, systemClock } from './clock.ts';
export { createLogger } from './create-logger.ts';
export type { DropOptions } from './drop-unneeded-fields.ts';
export { dropUnneededFields } from './drop-unneeded-fields.ts';
export type {
  EventInput,
  EventObject,
  EventRecorderOptions,
  EventSink,
  EventSubject,
} from './event-recorder.ts';
export { apiEventSink, EventRecorder } from './event-recorder.ts';
export type { HealthChecks, HealthServer, MetricsSource } from './health-server.ts';
export { startHealthServer } from './health-server.ts';
export type { Impersonation } from './impersonation-headers.ts';
export { impersonationHeaders } from './impersonation-headers.ts';
export type { Informer, InformerHandlers } from './informer.ts';
export { informerRestartBackoff, startInformer } from './informer.ts';
export type {
  KubeClient,
  KubeClientOptions,
  Method,
  RequestObserver,
  RequestOptions,
  WatchEvent,
} from './kube-client.ts';
export { ContentType, defaultRateLimit, HttpKubeClient } from './kube-client.ts';
export type { Credentials, KubeConnection, LoadKubeConfigOptions, TlsSettings } from './kube-config.ts';
export { loadKubeConfig, serviceAccountDir } from './kube-config.ts';
export { KubeApiError, KubeConfigError, KubeError, KubeFlagError } from './kube-error.ts';
export type {
  Condition,
  EndpointSlice,
  KubeObject,
  Lease,
  LoadBalancerIngress,
  Namespace,
  Node,
  ObjectMeta,
  Service,
  ServicePortSpec,
} from './kube-types.ts';
export { objectKey } from './kube-types.ts';
export type { LeaderCallbacks, LeaderTimings, LeaseStore } from './leader-elector.ts';
export { defaultLeaderTimings, LeaderElector } from './leader-elector.ts';
export type { ListMeta } from './list-body-splitter.ts';
export { ListBodySplitter } from './list-body-splitter.ts';
export type { ListWatchOptions, WatchClient } from './list-watch.ts';
export { ListWatch } from './list-watch.ts';
export type { Logger } from './logger.ts';
export { formatMicroTime } from './micro-time.ts';
export type { ObjectStore } from './object-store.ts';
export { MapStore } from './object-store.ts';
export { bypassesProxy, proxyForServer } from './proxy-for-server.ts';
export type { ObjectRef } from './resource-paths.ts';
export { ResourcePaths } from './resource-paths.ts';
export { retryAfterMs } from './retry-after.ts';
export type { ServiceAccountRef, ServiceAccountTokenOptions } from './service-account-token.ts';
export { requestServiceAccountToken } from './service-account-token.ts';
export type { RateLimit } from './token-bucket.ts';
export { TokenBucket } from './token-bucket.ts';
export type { TokenConnection, TokenKubeconfigNames } from './token-kubeconfig.ts';
export { tokenKubeconfig } from './token-kubeconfig.ts';
export { defaultBackoff, WorkQueue } from './work-queue.ts';
