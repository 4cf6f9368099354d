/**
 * One more LoadBalancer Service for the quick start's pods (the lab plays the EndpointSlice
 * controller): after a token rotation, the controller must assign it an IP and a speaker must
 * announce it and write its ServiceL2Status, each with its new token.
 */

import { metallbNamespace, waitFor } from '@baremetal-lb/lab';
import { CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';

export type ExtraPod = { readonly name: string; readonly ip: string; readonly node: string };

export async function createExtraService(
  kc: KubeConfig,
  name: string,
  pods: readonly ExtraPod[],
  timeoutMs: number,
): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  await core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    },
  });
  await discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: {
      metadata: {
        name: `${name}-slice`,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'lab.baremetal-lb.io',
        },
      },
      addressType: 'IPv4',
      ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: pods.map((p) => ({
        addresses: [p.ip],
        nodeName: p.node,
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', name: p.name, namespace: 'default' },
      })),
    },
  });
  return waitFor(`an EXTERNAL-IP for Service ${name}`, timeoutMs, async () => {
    const service = await core.readNamespacedService({ name, namespace: 'default' });
    return service.status?.loadBalancer?.ingress?.[0]?.ip;
  });
}

/** Whether the API server accepts `token` (false: 401, revoked or expired). */
export async function tokenAccepted(admin: KubeConfig, token: string): Promise<boolean> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'probe', token }],
    contexts: [{ name: 'probe', cluster: cluster.name, user: 'probe' }],
    currentContext: 'probe',
  });
  try {
    await kc.makeApiClient(CoreV1Api).listNamespacedServiceAccount({ namespace: metallbNamespace });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 401) return false;
    // 403 means authenticated (the ServiceAccount may not list ServiceAccounts).
    if ((error as { code?: number }).code === 403) return true;
    throw error;
  }
}
