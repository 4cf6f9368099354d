import { ListWatch, type Service } from '@baremetal-lb/kube';
import type { TestCluster } from './test-cluster.ts';

/** A change of a live Service's ingress after it first had one: what a restart must never do. */
export type IpChange = { readonly name: string; readonly from: string; readonly to: string };

/**
 * Watches the Services of one namespace from the test side and records every time a Service
 * that already had an ingress IP ends up with different (or no) IPs while it still exists.
 */
export class IpHistory {
  readonly changes: IpChange[] = [];
  readonly #first = new Map<string, string>();
  readonly #informer: ListWatch<Service>;

  constructor(cluster: TestCluster, namespace: string) {
    this.#informer = new ListWatch<Service>(cluster.client, `/api/v1/namespaces/${namespace}/services`);
    const seen = (service: Service) => {
      const uid = service.metadata.uid ?? '';
      const ips = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).join(',');
      const first = this.#first.get(uid);
      if (first === undefined) {
        if (ips !== '') this.#first.set(uid, ips);
      } else if (ips !== first) {
        this.changes.push({ name: service.metadata.name, from: first, to: ips });
      }
    };
    this.#informer.on('add', seen);
    this.#informer.on('update', seen);
    this.#informer.on('delete', (service) => this.#first.delete(service.metadata.uid ?? ''));
    this.#informer.on('error', () => setTimeout(() => void this.#informer.start(), 500));
  }

  start(): Promise<void> {
    return this.#informer.start();
  }

  stop(): Promise<void> {
    return this.#informer.stop();
  }
}
