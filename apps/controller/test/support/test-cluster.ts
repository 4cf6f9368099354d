import { HttpKubeClient, loadKubeConfig, type Service } from '@baremetal-lb/kube';
import { type ConfigObject, configApiVersion, configPath, type StatusKind } from '../../src/config-status.ts';
import type { IpAddressPoolObject } from '../../src/pool-status.ts';

export type EventItem = {
  readonly reason: string;
  readonly note: string;
  readonly type: string;
  readonly reportingController?: string;
  readonly regarding: { readonly name: string; readonly uid: string };
};

/** Admin-side helpers for integration tests (the controller under test uses its own identity). */
export class TestCluster {
  readonly client: HttpKubeClient;

  constructor(kubeconfigPath: string) {
    this.client = new HttpKubeClient(loadKubeConfig(kubeconfigPath, {}));
  }

  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    try {
      await this.client.request('POST', '/api/v1/namespaces', { body: { metadata: { name, labels } } });
    } catch (error) {
      if ((error as { status?: number }).status !== 409) throw error;
    }
  }

  async labelNamespace(name: string, labels: Record<string, string | null>): Promise<void> {
    await this.client.request('PATCH', `/api/v1/namespaces/${name}`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels } },
    });
  }

  poolPath(namespace: string, name = ''): string {
    return `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools${name ? `/${name}` : ''}`;
  }

  async applyPool(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    const existing = await this.getPool(namespace, name);
    if (existing) {
      await this.client.request('PATCH', this.poolPath(namespace, name), {
        contentType: 'application/merge-patch+json',
        body: { spec },
      });
      return;
    }
    await this.client.request('POST', this.poolPath(namespace), {
      body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name }, spec },
    });
  }

  async getPool(namespace: string, name: string): Promise<IpAddressPoolObject | undefined> {
    try {
      return await this.client.request<IpAddressPoolObject>('GET', this.poolPath(namespace, name));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async deletePool(namespace: string, name: string): Promise<void> {
    await this.client.request('DELETE', this.poolPath(namespace, name));
  }

  /** Creates an L2Advertisement, BGPPeer, BGPAdvertisement, Community or BFDProfile. */
  async createConfigObject(kind: StatusKind, namespace: string, name: string, spec: object): Promise<void> {
    await this.client.request('POST', configPath(kind, namespace), {
      body: { apiVersion: configApiVersion(kind), kind, metadata: { name }, spec },
    });
  }

  async getConfigObject(kind: StatusKind, namespace: string, name: string): Promise<ConfigObject> {
    return this.client.request<ConfigObject>('GET', `${configPath(kind, namespace)}/${name}`);
  }

  /** Creates a LoadBalancer Service (port 80/TCP unless `spec.ports` says otherwise, no node ports). */
  async createService(
    namespace: string,
    name: string,
    spec: Record<string, unknown> = {},
    metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } = {},
  ): Promise<Service> {
    return this.client.request<Service>('POST', `/api/v1/namespaces/${namespace}/services`, {
      body: {
        metadata: { name, ...metadata },
        // No node ports: thousands of test Services would exhaust the 2,768-port range.
        spec: {
          type: 'LoadBalancer',
          allocateLoadBalancerNodePorts: false,
          ports: [{ port: 80, protocol: 'TCP' }],
          ...spec,
        },
      },
    });
  }

  async patchService(namespace: string, name: string, patch: Record<string, unknown>): Promise<Service> {
    return this.client.request<Service>('PATCH', `/api/v1/namespaces/${namespace}/services/${name}`, {
      contentType: 'application/merge-patch+json',
      body: patch,
    });
  }

  async getService(namespace: string, name: string): Promise<Service | undefined> {
    try {
      return await this.client.request<Service>('GET', `/api/v1/namespaces/${namespace}/services/${name}`);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async listServices(namespace: string): Promise<Service[]> {
    return (
      await this.client.request<{ items: Service[] }>('GET', `/api/v1/namespaces/${namespace}/services`)
    ).items;
  }

  async deleteService(namespace: string, name: string): Promise<void> {
    try {
      await this.client.request('DELETE', `/api/v1/namespaces/${namespace}/services/${name}`);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }

  /** Ingress IPs in status order ([] while pending). */
  async ips(namespace: string, name: string): Promise<string[]> {
    const service = await this.getService(namespace, name);
    return (service?.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? '');
  }

  /** Events the controller emitted (reportingController metallb-controller). */
  async events(namespace: string, regardingName?: string): Promise<EventItem[]> {
    const query: Record<string, string> = regardingName
      ? { fieldSelector: `regarding.name=${regardingName}` }
      : {};
    const list = await this.client.request<{ items: EventItem[] }>(
      'GET',
      `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
      { query },
    );
    // Only ours: the API server itself reports e.g. ClusterIPNotAllocated while it repairs.
    return list.items.filter((event) => event.reportingController === 'metallb-controller');
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Polls `probe` until it returns a value other than undefined/false; throws with `what` on timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves with the Services of `namespace` once there are exactly `count` and each has an IP
 * (the churn tests' settled state); rejects after `timeoutMs`.
 */
export function waitForAllAssigned(
  cluster: TestCluster,
  namespace: string,
  count: number,
  timeoutMs: number,
): Promise<Service[]> {
  return waitFor(
    `all ${count} Services to have an IP`,
    async () => {
      const services = await cluster.listServices(namespace);
      return services.length === count &&
        services.every((s) => (s.status?.loadBalancer?.ingress ?? []).length > 0)
        ? services
        : undefined;
    },
    timeoutMs,
    500,
  );
}
