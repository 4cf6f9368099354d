import type { Namespace, Service } from '@baremetal-lb/kube';
import type { ConfigObject, StatusKind } from './config-status.ts';
import type { IpAddressPoolObject } from './pool-status.ts';

/** What informers call; implementations only enqueue. */
export type ClusterWatcher = {
  serviceChanged(service: Service): void;
  serviceDeleted(service: Service): void;
  poolChanged(pool: IpAddressPoolObject, deleted?: boolean): void;
  namespaceChanged(namespace: Namespace, deleted?: boolean): void;
  configObjectChanged(kind: StatusKind, object: ConfigObject, deleted?: boolean): void;
};
