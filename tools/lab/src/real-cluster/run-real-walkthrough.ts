/**
 * The MetalLB layer-2 walkthrough on the real cluster, as a user does it: baremetal-lb installed
 * with `kubectl apply -k deploy` (or `helm install`), its pods Ready, the pool and the
 * L2Advertisement, a two-replica app behind a LoadBalancer Service, `kubectl get svc` with the
 * EXTERNAL-IP, curl from the client reaching both pods through kube-proxy, arping naming the
 * announcing node's MAC; then, `failovers` times, the announcing node is cut off hard (link down,
 * containerd, kubelet, kube-proxy and every pod SIGKILLed), another MAC must answer and curl must
 * work again, and the node is booted again for the next round. Prints as it goes; returns what
 * the e2e test asserts on.
 */
import path from 'node:path';
import { repoRoot } from '../cluster/go-tool-needs.ts';
import { LabError } from '../lab-error.ts';
import { parseArpingReply, watchArp } from '../quickstart/arp-watch.ts';
import { metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import { listStatusNodes, poolYaml } from '../quickstart/run-quickstart.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import { runCommand } from '../run-command.ts';
import { listReadyNodes, type RealCluster, realNodeNames } from './start-real-cluster.ts';
import {
  curlHostname,
  curlUntilAll,
  listPods,
  rollOutWebApp,
  speakerSelector,
  type WebPod,
  waitForExternalIp,
  webAppYaml,
  webName,
} from './web-app.ts';

export const InstallMethod = { kustomize: 'kustomize', helm: 'helm' } as const;
export type InstallMethod = (typeof InstallMethod)[keyof typeof InstallMethod];

/** Why 30 s: the speakers aim at well under a second; anything near this is a failure. */
const failoverTimeoutMs = 30_000;
/**
 * A failover slower than this prints the new owner's log around it (where the time went). Why
 * 500 ms: they take 300-400 ms here, the new owner announcing 260-330 ms after the cut.
 */
const slowFailoverMs = 500;
/** Why 90 s: the node controller drops a dead node's endpoints after its 10 s grace period. */
const curlRecoveryTimeoutMs = 90_000;
/** Why 5 min: a booted node re-creates its pods in seconds; the first start after install is slower. */
const readyTimeout = '300s';
export const helmRelease = 'baremetal-lb';

export type FailoverRound = {
  readonly from: string;
  readonly to: string;
  /** Node cut off → another MAC answers the broadcast arping (probes every 50 ms). */
  readonly macMs: number;
  /** Node cut off → three curls in a row answered, all by pods on live nodes. */
  readonly curlMs: number;
  /** Pods that answered those curls. */
  readonly answeredBy: readonly string[];
};

export type RealWalkthroughResult = {
  readonly installOutput: string;
  readonly loadBalancerIp: string;
  readonly assignMs: number;
  readonly serviceTable: string;
  readonly pods: readonly WebPod[];
  readonly curlBefore: ReadonlyMap<string, number>;
  readonly announcer: { readonly node: string; readonly mac: string };
  readonly statusNode: string | undefined;
  readonly failovers: readonly FailoverRound[];
};

export type Out = (line: string) => void;

/** `kubectl apply -k deploy` or `helm install`, then waits for the controller and the speakers. */
export async function installBaremetalLb(
  cluster: RealCluster,
  method: InstallMethod,
  out: Out,
): Promise<string> {
  let printed: string;
  if (method === InstallMethod.kustomize) {
    out('    $ kubectl apply -k deploy');
    printed = (await cluster.kubectl(['apply', '-k', path.join(repoRoot, 'deploy')])).stdout;
  } else {
    // deploy/README.md's two lines: Helm makes the namespace, the label lets privileged pods in.
    const args = [
      'install',
      helmRelease,
      'deploy/helm/baremetal-lb',
      '--namespace',
      metallbNamespace,
      '--create-namespace',
    ];
    out(`    $ helm ${args.join(' ')}`);
    const helmArgs = [...args, '--kubeconfig', cluster.api.kubeconfigPath].map((arg) =>
      arg === 'deploy/helm/baremetal-lb' ? path.join(repoRoot, arg) : arg,
    );
    printed = (await runCommand(cluster.helmBinary, helmArgs, { timeoutMs: 120_000 })).stdout;
    const label = ['label', 'ns', metallbNamespace, 'pod-security.kubernetes.io/enforce=privileged'];
    out(`    $ kubectl ${label.join(' ')}`);
    printed += (await cluster.kubectl(label)).stdout;
  }
  out(printed.trimEnd().replace(/^/gm, '    '));
  await waitForBaremetalLb(cluster, out);
  return printed;
}

export async function waitForBaremetalLb(cluster: RealCluster, out: Out = () => {}): Promise<void> {
  for (const workload of ['deployment/controller', 'daemonset/speaker']) {
    const { stdout } = await cluster.kubectl([
      '-n',
      metallbNamespace,
      'rollout',
      'status',
      workload,
      `--timeout=${readyTimeout}`,
    ]);
    out(`    ${stdout.trim().split('\n').at(-1)}`);
  }
}

/** Who answers ARP for `ip` from the client, by MAC and node (the first reply of three probes). */
export async function findAnnouncer(
  cluster: RealCluster,
  ip: string,
): Promise<{ node: string; mac: string }> {
  const [announcer] = await arpingAnswers(cluster, ip);
  if (announcer === undefined) throw new LabError('ERR_LAB_NO_ANNOUNCER', `no node answered ARP for ${ip}`);
  return announcer;
}

/** Every node that answered three ARP probes for `ip`, in order of first reply. */
async function arpingAnswers(cluster: RealCluster, ip: string): Promise<{ node: string; mac: string }[]> {
  const arping = await cluster.client
    .exec('arping', ['-c', '3', '-I', cluster.client.ifname, ip])
    .catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const macs = [
    ...new Set(
      arping.stdout
        .split('\n')
        .map(parseArpingReply)
        .filter((m) => m !== undefined),
    ),
  ];
  return macs.map((mac) => ({ node: cluster.nodeByMac(mac)?.name ?? mac, mac }));
}

/**
 * The announcer once exactly one node answers, twice in a row: right after a node boots again its
 * speaker may be taking the IP back (the election prefers it), and a failover measured during
 * that handover would time the handover instead.
 */
async function settledAnnouncer(cluster: RealCluster, ip: string): Promise<{ node: string; mac: string }> {
  let previous: string | undefined;
  return waitFor(
    `a single announcer for ${ip}`,
    failoverTimeoutMs,
    async () => {
      const answers = await arpingAnswers(cluster, ip);
      const only = answers.length === 1 ? answers[0] : undefined;
      const settled = only !== undefined && only.mac === previous;
      previous = only?.mac;
      return settled ? only : undefined;
    },
    500,
  );
}

/** Boots `node` again and waits until it and every workload are Ready. */
async function rebootNode(cluster: RealCluster, name: string): Promise<void> {
  await cluster.nodes.find((n) => n.name === name)!.start();
  await waitFor(
    `${name} Ready again`,
    5 * 60_000,
    async () => ((await listReadyNodes(cluster.api.kube)).length === realNodeNames.length ? true : undefined),
    500,
  );
  await waitForBaremetalLb(cluster);
  await cluster.kubectl([
    'wait',
    '--for=condition=Ready',
    'pod',
    '-l',
    `app=${webName}`,
    `--timeout=${readyTimeout}`,
  ]);
}

/**
 * The log lines `node`'s speaker wrote from 1 s before the cut to 1 s after the IP moved, each
 * with its time from the cut: where a slow failover spent its time (member suspect / dead,
 * announcing). Best effort: a diagnostic must not fail the round.
 */
async function printSpeakerLog(
  cluster: RealCluster,
  node: string,
  stoppedWallMs: number,
  macMs: number,
  out: Out,
): Promise<void> {
  try {
    const pod = (await listPods(cluster, metallbNamespace, speakerSelector)).find((p) => p.node === node);
    if (pod === undefined) return;
    const { stdout } = await cluster.kubectl(['-n', metallbNamespace, 'logs', pod.name, '--since=120s']);
    out(`    slower than ${slowFailoverMs} ms: ${pod.name}'s log (ms from the cut)`);
    for (const line of stdout.split('\n')) {
      const time = /"time":"([^"]+)"/.exec(line)?.[1];
      const atMs = time === undefined ? Number.NaN : Date.parse(time) - stoppedWallMs;
      if (atMs >= -1000 && atMs <= macMs + 1000) out(`      ${atMs.toFixed(0).padStart(6)}  ${line}`);
    }
  } catch (error) {
    out(`    (could not read ${node}'s speaker log: ${(error as Error).message})`);
  }
}

/** One round: cut the announcer off, time the MAC move and curl's recovery, boot the node again. */
async function failOver(cluster: RealCluster, ip: string, out: Out): Promise<FailoverRound> {
  const announcer = await settledAnnouncer(cluster, ip);
  const node = cluster.nodes.find((n) => n.name === announcer.node)!;
  const watch = watchArp(cluster.client, ip);
  let moved: { atMs: number; mac: string } | undefined;
  let stoppedAt = performance.now();
  let stoppedWallMs = Date.now();
  try {
    await watch.waitForOtherMac('00:00:00:00:00:00', 0, 5_000);
    stoppedAt = performance.now();
    stoppedWallMs = Date.now();
    await node.stopHard();
    moved = await watch.waitForOtherMac(announcer.mac, stoppedAt, failoverTimeoutMs);
  } finally {
    watch.stop();
  }
  if (moved === undefined)
    throw new LabError(
      'ERR_LAB_FAILOVER',
      `nobody else answered for ${ip} within ${failoverTimeoutMs / 1000} s after ${node.name} went down`,
    );
  const to = cluster.nodeByMac(moved.mac)?.name ?? moved.mac;
  const macMs = moved.atMs - stoppedAt;
  if (macMs > slowFailoverMs) await printSpeakerLog(cluster, to, stoppedWallMs, macMs, out);
  // kube-proxy keeps the dead node's pod as an endpoint until the node controller marks it not
  // ready; curl works again once three answers in a row come from live pods.
  const answeredBy = await waitFor(
    'curl to work again',
    curlRecoveryTimeoutMs,
    async () => {
      const names: string[] = [];
      for (let i = 0; i < 3; i++) {
        const pod = await curlHostname(cluster, ip);
        if (pod === undefined) return undefined;
        names.push(pod);
      }
      return names;
    },
    100,
  );
  const curlMs = performance.now() - stoppedAt;
  out(
    `    ${announcer.node} cut off: ${announcer.mac} (${announcer.node}) -> ${moved.mac} (${to}) after ${macMs.toFixed(0)} ms; curl answered again after ${(curlMs / 1000).toFixed(1)} s (by ${[...new Set(answeredBy)].join(', ')})`,
  );
  await rebootNode(cluster, announcer.node);
  return { from: announcer.node, to, macMs, curlMs, answeredBy };
}

export async function runRealWalkthrough(
  cluster: RealCluster,
  options: { readonly method?: InstallMethod; readonly failovers?: number; readonly out?: Out } = {},
): Promise<RealWalkthroughResult> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const step = (title: string) => out(`\n▶ ${title}`);
  const kubectl = async (args: readonly string[], input?: string) => {
    out(`    $ kubectl ${args.join(' ')}`);
    const { stdout } = await cluster.kubectl(args, input);
    out(stdout.trimEnd().replace(/^/gm, '    '));
    return stdout;
  };

  step(`Install baremetal-lb (${options.method ?? InstallMethod.kustomize}) and wait for its pods`);
  const installOutput = await installBaremetalLb(cluster, options.method ?? InstallMethod.kustomize, out);
  await kubectl(['-n', metallbNamespace, 'get', 'pods', '-o', 'wide']);

  step('Configure an address pool and a layer-2 advertisement');
  await kubectl(['apply', '-f', '-'], poolYaml(cluster.address(200), cluster.address(250)));

  step('Deploy a two-replica app and a LoadBalancer Service web (port 80 -> 8080)');
  const createdAt = performance.now();
  await kubectl(['apply', '-f', '-'], webAppYaml(cluster.images.web.ref));
  const { ip: loadBalancerIp, ms: assignMs } = await waitForExternalIp(cluster, webName, createdAt);
  const pods = await rollOutWebApp(cluster);
  await kubectl(['get', 'pods', '-l', `app=${webName}`, '-o', 'wide']);

  step('kubectl get svc');
  const serviceTable = (await kubectl(['get', 'svc', webName])).trimEnd();

  step('curl from the client reaches both pods through the LoadBalancer IP');
  const curlBefore = await curlUntilAll(
    cluster,
    loadBalancerIp,
    pods.map((p) => p.name),
  );
  for (const [pod, n] of curlBefore) out(`    ${pod}   ${n} response(s)`);

  step('arping from the client: who answers for the LoadBalancer IP?');
  const announcer = await findAnnouncer(cluster, loadBalancerIp);
  const statusNode = (await listStatusNodes(cluster.api.kube, webName))[0];
  out(`    ${announcer.mac} is ${announcer.node}'s eth0; ServiceL2Status names ${statusNode ?? '(none)'}`);

  const failovers: FailoverRound[] = [];
  for (let round = 1; round <= (options.failovers ?? 1); round++) {
    step(`Failover ${round}: the announcing node goes down hard (link, containerd, kubelet, pods)`);
    failovers.push(await failOver(cluster, loadBalancerIp, out));
  }
  return {
    installOutput,
    loadBalancerIp,
    assignMs,
    serviceTable,
    pods,
    curlBefore,
    announcer,
    statusNode,
    failovers,
  };
}
