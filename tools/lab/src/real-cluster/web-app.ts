/**
 * The walkthrough's app on the real cluster, as a user writes it: a two-replica Deployment of the
 * `hostname-http` image (one pod per worker: required anti-affinity; the control-plane node is
 * tainted) and a `LoadBalancer` Service on port 80 → 8080, applied with kubectl. The real
 * scheduler, kubelets, EndpointSlice controller and kube-proxy do the rest.
 */
import { LabError } from '../lab-error.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import type { RealCluster } from './start-real-cluster.ts';

export const webName = 'web';
/** Why 3 min: two pods start in seconds; image imports are done before. Longer is a fault. */
const rolloutTimeout = '180s';
/** Why 60 s: the controller assigns within milliseconds once it sees the Service. */
const assignTimeoutMs = 60_000;

export type WebPod = { readonly name: string; readonly node: string; readonly ip: string };

export function webAppYaml(image: string, name: string = webName): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels: {app: ${name}}
      terminationGracePeriodSeconds: 1
      containers:
        - name: http
          image: ${image}
          imagePullPolicy: Never
          ports: [{containerPort: 8080}]
          readinessProbe:
            httpGet: {path: /hostname, port: 8080}
            periodSeconds: 1
---
${loadBalancerServiceYaml(name)}`;
}

export function loadBalancerServiceYaml(name: string, selector: string = name): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
spec:
  type: LoadBalancer
  selector: {app: ${selector}}
  ports:
    - port: 80
      targetPort: 8080
`;
}

/** Waits for the Deployment's rollout; then its pods, with node and IP. */
export async function rollOutWebApp(cluster: RealCluster, name: string = webName): Promise<WebPod[]> {
  await cluster.kubectl(['rollout', 'status', `deployment/${name}`, `--timeout=${rolloutTimeout}`]);
  return listPods(cluster, 'default', `app=${name}`);
}

/** The speaker DaemonSet's pods (deploy/speaker.yaml's labels). */
export const speakerSelector = 'app.kubernetes.io/component=speaker';

export async function listPods(cluster: RealCluster, namespace: string, selector: string): Promise<WebPod[]> {
  const { stdout } = await cluster.kubectl(['-n', namespace, 'get', 'pods', '-l', selector, '-o', 'json']);
  const { items } = JSON.parse(stdout) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      spec: { nodeName?: string };
      status: { podIP?: string };
    }[];
  };
  return items
    .filter((pod) => pod.metadata.deletionTimestamp === undefined)
    .map((pod) => ({ name: pod.metadata.name, node: pod.spec.nodeName ?? '', ip: pod.status.podIP ?? '' }));
}

/** The Service's EXTERNAL-IP, waited for; with the time from `sinceMs`. */
export async function waitForExternalIp(
  cluster: RealCluster,
  service: string,
  sinceMs: number,
): Promise<{ readonly ip: string; readonly ms: number }> {
  const ip = await waitFor(
    `an EXTERNAL-IP for Service ${service}`,
    assignTimeoutMs,
    async () => {
      const { stdout } = await cluster.kubectl([
        'get',
        'svc',
        service,
        '-o',
        'jsonpath={.status.loadBalancer.ingress[0].ip}',
      ]);
      return stdout.trim() === '' ? undefined : stdout.trim();
    },
    100,
  );
  return { ip, ms: performance.now() - sinceMs };
}

/** One `curl /hostname` from the client: the pod name, or undefined when it failed. */
export async function curlHostname(cluster: RealCluster, ip: string): Promise<string | undefined> {
  try {
    const { stdout } = await cluster.client.exec('curl', ['-sS', '--max-time', '2', `http://${ip}/hostname`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * curl until every pod in `expected` answered (for at most `timeoutMs`); pod name → responses.
 * kube-proxy picks an endpoint at random, so a handful of tries reach both once it knows both;
 * a new Service's endpoints reach kube-proxy's rules through the EndpointSlice controller and
 * kube-proxy's own sync, which can lag the EXTERNAL-IP by a second or more on a busy machine.
 */
export async function curlUntilAll(
  cluster: RealCluster,
  ip: string,
  expected: readonly string[],
  timeoutMs = 30_000,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = performance.now() + timeoutMs;
  for (let tries = 1; performance.now() < deadline; tries++) {
    const pod = await curlHostname(cluster, ip);
    if (pod !== undefined) seen.set(pod, (seen.get(pod) ?? 0) + 1);
    if (expected.every((name) => seen.has(name)) && tries >= 6) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!expected.every((name) => seen.has(name))) {
    throw new LabError(
      'ERR_LAB_CURL',
      `curl http://${ip}/hostname reached ${[...seen.keys()].join(', ') || 'nothing'}, not all of ${expected.join(', ')}`,
    );
  }
  return seen;
}
