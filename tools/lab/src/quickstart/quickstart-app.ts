/**
 * The quick start's app, with the lab in the roles that no process plays here: a Deployment
 * object; the scheduler and kubelet (one pod-server process per pod in a worker's namespace, with
 * its own address, and a Running Pod object); the EndpointSlice controller; kube-proxy (NAT
 * rules in every node namespace for the Service's LoadBalancer IP); and, when a node is stopped,
 * the node lifecycle controller (its pods' endpoints become not ready).
 */
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { KubeObject, Service } from '@baremetal-lb/kube';
import { nodeBinary } from '../cluster/api-server-process.ts';
import { applyKubeProxyRules, installKubeProxy } from './kube-proxy-rules.ts';
import type { LabNode, QuickstartCluster } from './quickstart-cluster.ts';
import { waitFor } from './wait-for.ts';

export const appNamespace = 'default';
export const appName = 'web';
export const servicePort = 80;
export const targetPort = 8080;
/** Pod i gets address .(51 + i) of the lab subnet. */
const firstPodHost = 51;
/** No image is pulled: the "container" is pod-server.ts, run by the lab. */
const podImage = 'baremetal-lb.lab/hostname:1';
/** pod-server.ts from src/, pod-server.js from dist/. */
const podServer = path.join(import.meta.dirname, `pod-server${path.extname(import.meta.filename)}`);
/** Why 30 s: the controller assigns within milliseconds once it sees the Service; this is a hang. */
const assignTimeoutMs = 30_000;

export type LabPod = {
  readonly name: string;
  readonly node: LabNode;
  readonly ip: string;
  readonly process: ChildProcess;
  ready: boolean;
};

export type QuickstartApp = {
  readonly pods: readonly LabPod[];
  readonly loadBalancerIp: string;
  /** From creating the Service to seeing its EXTERNAL-IP. */
  readonly assignMs: number;
  /** performance.now() when the Service was created (to time what follows from it). */
  readonly serviceCreatedAt: number;
  readService(): Promise<Service>;
  /** The node lifecycle controller's part after a node died: its pods' endpoints become not ready. */
  markNodeLost(node: LabNode): Promise<void>;
};

/** Kubernetes-style random suffix (no vowels, no look-alike digits). */
function suffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export async function deployQuickstartApp(cluster: QuickstartCluster, replicas = 2): Promise<QuickstartApp> {
  const { kube } = cluster.api;
  const namespaced = `/api/v1/namespaces/${appNamespace}`;
  const slices = `/apis/discovery.k8s.io/v1/namespaces/${appNamespace}/endpointslices`;
  const labels = { app: appName };
  await kube.request('POST', `/apis/apps/v1/namespaces/${appNamespace}/deployments`, {
    body: {
      metadata: { name: appName, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'hostname',
                image: podImage,
                ports: [{ containerPort: targetPort }],
              },
            ],
          },
        },
      },
    },
  });

  // Scheduler + kubelet: workers first (m1 is the control plane), one process per pod.
  const workers = cluster.nodes.filter((n) => n.name !== 'm1');
  const template = suffix(10);
  const pods: LabPod[] = [];
  for (let i = 0; i < replicas; i++) {
    const node = workers[i % workers.length]!;
    const name = `${appName}-${template}-${suffix(5)}`;
    const ip = cluster.address(firstPodHost + i);
    await node.host.addAddress(`${ip}/32`);
    const child = node.host.spawn(nodeBinary, [podServer, name, ip, String(targetPort)]);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`pod ${name} exited (${code})`)));
    });
    const created = await kube.request<KubeObject>('POST', `${namespaced}/pods`, {
      body: {
        metadata: { name, labels },
        spec: {
          nodeName: node.name,
          containers: [{ name: 'hostname', image: podImage }],
        },
      },
    });
    const now = new Date().toISOString();
    await kube.request('PUT', `${namespaced}/pods/${name}/status`, {
      body: {
        ...created,
        status: {
          phase: 'Running',
          hostIP: node.host.ipv4,
          podIP: ip,
          podIPs: [{ ip }],
          startTime: now,
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
            type,
            status: 'True',
            lastTransitionTime: now,
          })),
          containerStatuses: [
            {
              name: 'hostname',
              image: podImage,
              imageID: '',
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: now } },
            },
          ],
        },
      },
    });
    pods.push({ name, node, ip, process: child, ready: true });
  }

  const serviceCreatedAt = performance.now();
  await kube.request('POST', `${namespaced}/services`, {
    body: {
      metadata: { name: appName, labels },
      spec: {
        type: 'LoadBalancer',
        selector: labels,
        ports: [{ port: servicePort, targetPort, protocol: 'TCP' }],
      },
    },
  });

  const sliceName = `${appName}-${suffix(5)}`;
  const slice = () => ({
    metadata: {
      name: sliceName,
      labels: {
        'kubernetes.io/service-name': appName,
        'endpointslice.kubernetes.io/managed-by': 'lab.baremetal-lb.io',
      },
    },
    addressType: 'IPv4',
    ports: [{ port: targetPort, protocol: 'TCP' }],
    endpoints: pods.map((p) => ({
      addresses: [p.ip],
      nodeName: p.node.name,
      conditions: { ready: p.ready, serving: p.ready, terminating: false },
      targetRef: { kind: 'Pod', name: p.name, namespace: appNamespace },
    })),
  });
  await kube.request('POST', slices, { body: slice() });

  const readService = () => kube.request<Service>('GET', `${namespaced}/services/${appName}`);
  const loadBalancerIp = await waitFor('an EXTERNAL-IP for Service web', assignTimeoutMs, async () => {
    return (await readService()).status?.loadBalancer?.ingress?.[0]?.ip;
  });
  const assignMs = performance.now() - serviceCreatedAt;

  // kube-proxy on every node: the LoadBalancer IP goes to the ready pods.
  const lost = new Set<string>();
  const syncProxies = async () => {
    const endpoints = pods.filter((p) => p.ready).map((p) => `${p.ip}:${targetPort}`);
    const rules = [{ ip: loadBalancerIp, port: servicePort, protocol: 'tcp' as const, endpoints }];
    await Promise.all(
      cluster.nodes.filter((n) => !lost.has(n.name)).map((n) => applyKubeProxyRules(n.host, rules)),
    );
  };
  for (const node of cluster.nodes) await installKubeProxy(node.host);
  await syncProxies();

  return {
    pods,
    loadBalancerIp,
    assignMs,
    serviceCreatedAt,
    readService,
    async markNodeLost(node) {
      lost.add(node.name);
      for (const pod of pods) if (pod.node === node) pod.ready = false;
      await kube.request('PUT', `${slices}/${sliceName}`, { body: slice() });
      await syncProxies();
    },
  };
}
