/**
 * The MetalLB layer-2 quick start, step by step, on the lab cluster: address pool and
 * advertisement, a two-replica app behind a LoadBalancer Service, the real `kubectl get svc` and
 * `kubectl describe svc` (with the IPAllocated and nodeAssigned events), curl through
 * the LoadBalancer IP from the client, arping for the announcing node's MAC, then the announcing
 * node stopped and the MAC moving to another node, with the time it took, and curl again.
 * `npm run lab` prints it; the e2e test asserts on the returned result.
 */
import type { KubeClient, KubeObject } from '@baremetal-lb/kube';
import { LabError } from '../lab-error.ts';
import { parseArpingReply, watchArp } from './arp-watch.ts';
import { appName, deployQuickstartApp, type QuickstartApp } from './quickstart-app.ts';
import {
  type LabNode,
  metallbNamespace,
  type QuickstartCluster,
  type QuickstartOptions,
  startQuickstartCluster,
} from './quickstart-cluster.ts';
import { createStepPrinter, type StepTiming } from './step-printer.ts';
import { waitFor } from './wait-for.ts';

/** Why 30 s: the speaker aims at well under a second; anything near this is a failure. */
const failoverTimeoutMs = 30_000;

export type { StepTiming } from './step-printer.ts';

export type QuickstartResult = {
  readonly loadBalancerIp: string;
  readonly assignMs: number;
  /** `kubectl get svc web` as printed. */
  readonly serviceTable: string;
  /** `kubectl describe svc web` as printed, Events included. */
  readonly description: string;
  readonly podNames: readonly string[];
  /** Pod name -> responses, through the LoadBalancer IP from the client. */
  readonly curlBefore: ReadonlyMap<string, number>;
  readonly curlAfter: ReadonlyMap<string, number>;
  readonly announcer: { readonly node: string; readonly mac: string };
  /** status.node of the Service's ServiceL2Status. */
  readonly statusNode: string | undefined;
  /** status.node of every ServiceL2Status after the failover. */
  readonly statusNodesAfter: readonly string[];
  readonly failover: { readonly to: string; readonly mac: string; readonly ms: number } | undefined;
  readonly timings: readonly StepTiming[];
};

export type RunQuickstartOptions = QuickstartOptions & {
  /** Everything the walkthrough prints (default: stdout). */
  readonly out?: (line: string) => void;
};

/** IPAddressPool first-pool with the range first-last, as in MetalLB's quick start. */
export const firstPoolYaml = (first: string, last: string) => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: first-pool
  namespace: metallb-system
spec:
  addresses:
    - ${first}-${last}
`;

export const poolYaml = (first: string, last: string) => `${firstPoolYaml(first, last)}---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: example
  namespace: metallb-system
`;

/**
 * Runs the walkthrough on a new lab cluster and returns it still running (with the result), so the
 * caller decides between destroy() and --keep. On failure the cluster is destroyed.
 */
export async function runQuickstart(
  options: RunQuickstartOptions = {},
): Promise<{ cluster: QuickstartCluster; app: QuickstartApp; result: QuickstartResult }> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const indent = (text: string) => text.replace(/^/gm, '    ');
  const { step, timings } = createStepPrinter(out);

  const startedAt = performance.now();
  const elapsed = () => `+${((performance.now() - startedAt) / 1000).toFixed(1)}s`.padStart(7);
  const cluster = await step('Start the cluster: API server, nodes m1 w1 w2 and a client, baremetal-lb', () =>
    startQuickstartCluster({ ...options, log: (line) => out(`    ${elapsed()}  ${line}`) }),
  );
  try {
    const curl = async (path: string) => {
      const { stdout } = await cluster.client.exec('curl', [
        '-sS',
        '--max-time',
        '2',
        `http://${app.loadBalancerIp}${path}`,
      ]);
      return stdout.trim();
    };
    const curlMany = async (count: number) => {
      const seen = new Map<string, number>();
      for (let i = 0; i < count; i++) {
        const pod = await curl('/hostname');
        seen.set(pod, (seen.get(pod) ?? 0) + 1);
      }
      out(`    $ curl http://${app.loadBalancerIp}/hostname   (x${count}, from the client)`);
      for (const [pod, n] of seen) out(`    ${pod}   ${n} response(s)`);
      return seen;
    };

    const first = cluster.address(200);
    const last = cluster.address(250);
    const kubectl = async (args: readonly string[], input?: string) => {
      out(`    $ kubectl ${args.join(' ')}`);
      const { stdout } = await cluster.kubectl(args, input);
      out(indent(stdout.trimEnd()));
      return stdout;
    };
    await step('Configure an address pool and a layer-2 advertisement', async () => {
      const yaml = poolYaml(first, last);
      out(indent(yaml.trimEnd()));
      await kubectl(['apply', '-f', '-'], yaml);
      await kubectl(['-n', metallbNamespace, 'get', 'ipaddresspools,l2advertisements']);
    });

    const app = await step(
      `Deploy a two-replica app and a LoadBalancer Service ${appName} (port 80 -> 8080)`,
      async () => {
        const deployed = await deployQuickstartApp(cluster);
        for (const pod of deployed.pods) out(`    pod ${pod.name} on ${pod.node.name} at ${pod.ip}:8080`);
        out(
          `    EXTERNAL-IP assigned ${deployed.assignMs.toFixed(0)} ms after the Service was created (polled every 50 ms)`,
        );
        return deployed;
      },
    );

    const serviceTable = await step('kubectl get svc', async () =>
      (await kubectl(['get', 'svc', appName])).trimEnd(),
    );
    const description = await step(
      'kubectl describe svc: the IPAllocated and nodeAssigned events',
      async () => {
        // The announcing speaker records nodeAssigned just after it takes the IP: poll (every
        // 500 ms, kubectl is a process) until it is there, then print; after 10 s print anyway.
        const describe = () => cluster.kubectl(['describe', 'svc', appName]);
        await waitFor(
          'the nodeAssigned event',
          10_000,
          async () => (/nodeAssigned/.test((await describe()).stdout) ? true : undefined),
          500,
        ).catch(() => undefined);
        return kubectl(['describe', 'svc', appName]);
      },
    );

    const curlBefore = await step(
      'curl from the client reaches both pods through the LoadBalancer IP',
      async () => {
        const seen = await curlMany(12);
        out(`    $ curl http://${app.loadBalancerIp}/`);
        out(`    ${await curl('/')}`);
        return seen;
      },
    );

    const announcer = await step('arping from the client: who answers for the LoadBalancer IP?', async () => {
      const { stdout } = await cluster.client.exec('arping', [
        '-c',
        '3',
        '-I',
        cluster.client.ifname,
        app.loadBalancerIp,
      ]);
      out(indent(stdout.trimEnd()));
      const mac = stdout
        .split('\n')
        .map(parseArpingReply)
        .find((m) => m !== undefined);
      const node = mac === undefined ? undefined : cluster.nodeByMac(mac);
      if (mac === undefined || node === undefined) {
        throw new LabError('ERR_LAB_NO_ANNOUNCER', `no node answered ARP for ${app.loadBalancerIp}`);
      }
      out(`    ${mac} is ${node.name}'s eth0: ${node.name} announces ${app.loadBalancerIp}`);
      return { node: node.name, mac };
    });
    const statusNode = (await waitForStatusNode(cluster))[0];
    out(`    ServiceL2Status for ${appName}: status.node = ${statusNode ?? '(none)'}`);

    const failover = await step(`Stop ${announcer.node} (link down, speaker and pods killed)`, async () => {
      const watch = watchArp(cluster.client, app.loadBalancerIp);
      try {
        const node = cluster.nodes.find((n) => n.name === announcer.node)!;
        await watch.waitForOtherMac('00:00:00:00:00:00', 0, 5_000);
        const stoppedAt = performance.now();
        await stopNode(cluster, app, node);
        const moved = await watch.waitForOtherMac(announcer.mac, stoppedAt, failoverTimeoutMs);
        if (moved === undefined) {
          out(`    nobody else answered for ${app.loadBalancerIp} within ${failoverTimeoutMs / 1000} s`);
          return undefined;
        }
        const to = cluster.nodeByMac(moved.mac)?.name ?? moved.mac;
        const ms = moved.atMs - stoppedAt;
        out(
          `    arping (every 50 ms, broadcast): ${announcer.mac} (${announcer.node}) -> ${moved.mac} (${to})`,
        );
        out(`    the MAC moved ${ms.toFixed(0)} ms after ${announcer.node} went down`);
        return { to, mac: moved.mac, ms };
      } finally {
        watch.stop();
      }
    });

    const statusNodesAfter = await waitForStatusNode(cluster, failover?.to);
    out(`    ServiceL2Status for ${appName}: status.node = ${statusNodesAfter.join(', ')}`);
    if (statusNodesAfter.includes(announcer.node)) {
      out(`    (the one naming ${announcer.node} is stale: the new owner should have removed it within 5 s)`);
    }

    const curlAfter = await step('curl again: the Service still answers', async () => curlMany(6));

    const result: QuickstartResult = {
      loadBalancerIp: app.loadBalancerIp,
      assignMs: app.assignMs,
      serviceTable,
      description,
      podNames: app.pods.map((p) => p.name),
      curlBefore,
      curlAfter,
      announcer,
      statusNode,
      statusNodesAfter,
      failover,
      timings,
    };
    out('\nTimings (one machine, 2 shared cores: noisy):');
    for (const t of timings) out(`  ${(t.ms / 1000).toFixed(2).padStart(7)} s  ${t.step}`);
    return { cluster, app, result };
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/** A power cut: the node's link goes down and its processes die without a word. */
async function stopNode(cluster: QuickstartCluster, app: QuickstartApp, node: LabNode): Promise<void> {
  await node.host.exec('ip', ['link', 'set', node.host.ifname, 'down']);
  cluster.speakers.get(node.name)?.kill('SIGKILL');
  for (const pod of app.pods) if (pod.node === node) pod.process.kill('SIGKILL');
  // In a cluster the node lifecycle controller marks the pods not ready after its grace period
  // (40 s by default); the lab does it at once so that curl shows the Service working.
  await app.markNodeLost(node);
}

/** status.node of every ServiceL2Status of Service `service` (default: the app's), oldest first. */
export async function listStatusNodes(kube: KubeClient, service: string = appName): Promise<string[]> {
  const list = await kube.request<{ items?: (KubeObject & { status?: { node?: string } })[] }>(
    'GET',
    `/apis/metallb.io/v1beta1/namespaces/${metallbNamespace}/servicel2statuses`,
    { query: { labelSelector: `metallb.io/service-name=${service}` } },
  );
  return (list.items ?? [])
    .sort((x, y) => (x.metadata.creationTimestamp ?? '').localeCompare(y.metadata.creationTimestamp ?? ''))
    .map((item) => item.status?.node)
    .filter((node): node is string => node !== undefined);
}

/** Waits (the speaker writes it right after taking the IP) until a ServiceL2Status names `node`. */
async function waitForStatusNode(cluster: QuickstartCluster, node?: string): Promise<string[]> {
  return waitFor('a ServiceL2Status', 5_000, async () => {
    const nodes = await listStatusNodes(cluster.api.kube);
    // After a failover the new owner writes its status and removes the dead node's.
    return nodes.length > 0 && (node === undefined || (nodes.length === 1 && nodes[0] === node))
      ? nodes
      : undefined;
  }).catch(() => listStatusNodes(cluster.api.kube));
}
