/**
 * One more LoadBalancer Service for the quick start's pods (the lab plays the EndpointSlice
 * controller): after a token rotation, the controller must assign it an IP and a speaker must
 * announce it and write its ServiceL2Status, each with its new token.
 */

import { HttpKubeClient, KubeApiError, type Service } from '@baremetal-lb/kube';
import { type ClusterAdmin, metallbNamespace, waitFor } from '@baremetal-lb/lab';

export type ExtraPod = { readonly name: string; readonly ip: string; readonly node: string };

export async function createExtraService(
  admin: ClusterAdmin,
  name: string,
  pods: readonly ExtraPod[],
  timeoutMs: number,
): Promise<string> {
  const { kube } = admin;
  await kube.request('POST', '/api/v1/namespaces/default/services', {
    body: {
      metadata: { name },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    },
  });
  await kube.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
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
    const service = await kube.request<Service>('GET', `/api/v1/namespaces/default/services/${name}`);
    return service.status?.loadBalancer?.ingress?.[0]?.ip;
  });
}

/** Whether the API server accepts `token` (false: 401, revoked or expired). */
export async function tokenAccepted(admin: ClusterAdmin, token: string): Promise<boolean> {
  const probe = new HttpKubeClient({
    server: admin.server,
    credentials: async () => ({ headers: { authorization: `Bearer ${token}` }, tls: { ca: admin.caPem } }),
  });
  try {
    await probe.request('GET', `/api/v1/namespaces/${metallbNamespace}/serviceaccounts`);
    return true;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 401) return false;
    // 403 means authenticated (the ServiceAccount may not list ServiceAccounts).
    if (error instanceof KubeApiError && error.status === 403) return true;
    throw error;
  } finally {
    await probe.close();
  }
}
