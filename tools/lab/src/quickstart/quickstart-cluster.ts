/**
 * The cluster of the quick start, on one machine: nodes m1, w1, w2 and a client, each a network
 * namespace on one bridge whose host end carries the real API server (tools/envtest); deploy/
 * applied to it with the real kubectl (`kubectl apply --server-side -k deploy`); Node objects;
 * the controller in m1 and a speaker in every node, each running as its ServiceAccount
 * (deploy/rbac) with a bound token, as the kubelet would run them.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import path from 'node:path';
import type { Node } from '@baremetal-lb/kube';
import { registerCleanup } from '../cleanup-registry.ts';
import { type ApiServerProcess, repoRoot, startApiServerProcess } from '../cluster/api-server-process.ts';
import {
  type AppLaunch,
  type AppLauncher,
  createProcessLauncher,
  type RunningApp,
} from '../cluster/app-launcher.ts';
import { ensureKubectl, type Kubectl, kubectlFor } from '../cluster/kubectl.ts';
import { createLab, type Lab, LabBridgeMode } from '../create-lab.ts';
import { LabError } from '../lab-error.ts';
import type { LabHost } from '../lab-host.ts';
import { isHealthy, waitFor } from './wait-for.ts';

export const metallbNamespace = 'metallb-system';
export const nodeNames = ['m1', 'w1', 'w2'] as const;
const speakerPort = 7472;
/** The controller shares m1's namespace with m1's speaker (a real pod has its own), so another port. */
const controllerPort = 7473;
/**
 * Why 120 s: a cold start of a Node process takes seconds on two busy cores, and the first list
 * calls of a fresh API server can time out and be retried; longer than this is a hang.
 */
const readyTimeoutMs = 120_000;
/** How long the controller gets to create the membership Secret before the lab creates it. */
const secretWaitMs = 10_000;

export type QuickstartOptions = {
  /** A documentation /24; default 198.51.100.0/24 (as in the issue's quick start). */
  readonly ipv4Subnet?: string;
  readonly ipv6Prefix?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** How the controller and the speakers run (default: processes from the TypeScript sources). */
  readonly launcher?: AppLauncher;
  /** More hosts on the node LAN that are no Kubernetes node (the BGP lab's router), after the nodes. */
  readonly extraHosts?: readonly string[];
};

export type LabNode = {
  readonly name: (typeof nodeNames)[number];
  readonly host: LabHost;
};

export type QuickstartCluster = {
  readonly lab: Lab;
  readonly api: ApiServerProcess;
  /** The real kubectl against the lab's API server. */
  readonly kubectl: Kubectl;
  /** Its path, for the --keep instructions. */
  readonly kubectlBinary: string;
  readonly nodes: readonly LabNode[];
  readonly client: LabHost;
  /** The `extraHosts`, in order. */
  readonly extraHosts: readonly LabHost[];
  /** Logs, kubeconfigs and the membership key file. */
  readonly runDir: string;
  /** "a.b.c." + n. */
  address(n: number): string;
  /** Whether the controller created the membership Secret (false: the lab had to). */
  readonly secretFromController: boolean;
  readonly controller: RunningApp;
  readonly speakers: ReadonlyMap<string, RunningApp>;
  /** Starts the speaker of `node` again (after it was killed) and waits until it is ready. */
  restartSpeaker(node: string): Promise<RunningApp>;
  /** Starts one more app in the cluster the way the lab started the others (e.g. a restart). */
  launch(spec: Omit<AppLaunch, 'logFile'>): Promise<RunningApp>;
  nodeByMac(mac: string): LabNode | undefined;
  destroy(): Promise<void>;
};

/** The last lines of a process log, for error messages (the run directory goes away with the lab). */
async function tailOf(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Waits until `url` is healthy; on failure the error carries the tail of the process log. */
async function waitHealthy(what: string, app: RunningApp, url: string, logFile: string): Promise<void> {
  try {
    await waitFor(what, readyTimeoutMs, async () => {
      if (app.exited) throw new Error('the process exited');
      return isHealthy(url);
    });
  } catch (error) {
    throw new LabError(
      'ERR_LAB_NOT_READY',
      `${(error as Error).message}\n--- ${logFile}\n${await tailOf(logFile)}`,
    );
  }
}

export async function startQuickstartCluster(options: QuickstartOptions = {}): Promise<QuickstartCluster> {
  const log = options.log ?? (() => {});
  const ipv4Subnet = options.ipv4Subnet ?? '198.51.100.0/24';
  const prefix = ipv4Subnet.split('.').slice(0, 3).join('.');
  const runDir = await mkdtemp(path.join(tmpdir(), 'bmlb-lab-'));
  await mkdir(path.join(runDir, 'logs'));
  // Removed also on Ctrl-C, where only synchronous work runs.
  const unregister = registerCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const launcher = options.launcher ?? createProcessLauncher();
  let lab: Lab | undefined;
  let api: ApiServerProcess | undefined;
  // The apps and processes in the namespaces first (so nothing talks to a stopping API server),
  // then the API server, then the run directory.
  const destroy = async () => {
    await launcher.stopAll().catch(() => {});
    await lab?.destroy().catch(() => {});
    await api?.stop().catch(() => {});
    unregister();
    await rm(runDir, { recursive: true, force: true });
  };

  try {
    const kubectlBinary = await ensureKubectl(log);
    lab = await createLab({
      nodes: [...nodeNames, ...(options.extraHosts ?? [])],
      client: true,
      bridge: LabBridgeMode.host,
      ipv4Subnet,
      ipv6Prefix: options.ipv6Prefix ?? '2001:db8:51::/64',
    });
    const nodes: LabNode[] = nodeNames.map((name, i) => ({ name, host: lab!.nodes[i]! }));
    const client = lab.client!;
    log(
      `network: ${nodes.map((n) => `${n.name} ${n.host.ipv4}`).join(', ')}, client ${client.ipv4}, bridge ${lab.bridge!.ifname} ${lab.bridge!.ipv4Cidr}`,
    );

    const listenAddress = lab.bridge!.ipv4Cidr!.split('/')[0]!;
    api = await startApiServerProcess({
      listenAddress,
      crdDirs: [path.join(repoRoot, 'deploy/crds')],
      onOutput: log,
    });
    log(`API server ${api.server} (kube-apiserver + etcd from tools/envtest)`);

    const { kube } = api;
    const kubectl = kubectlFor(kubectlBinary, api.kubeconfigPath, path.join(runDir, 'kubectl-cache'));
    const applied = await kubectl(['apply', '--server-side', '-k', path.join(repoRoot, 'deploy')]);
    log('$ kubectl apply --server-side -k deploy');
    for (const line of applied.stdout.trimEnd().split('\n')) log(`  ${line}`);

    for (const { name, host } of nodes) {
      const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
      if (name === 'm1') labels['node-role.kubernetes.io/control-plane'] = '';
      const created = await kube.request<Node>('POST', '/api/v1/nodes', {
        body: { metadata: { name, labels } },
      });
      await kube.request('PUT', `/api/v1/nodes/${name}/status`, {
        body: {
          ...created,
          status: {
            addresses: [
              { type: 'InternalIP', address: host.ipv4 },
              { type: 'Hostname', address: name },
            ],
            conditions: [
              { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'the lab plays the kubelet' },
            ],
            nodeInfo: {
              kubeletVersion: 'lab',
              kubeProxyVersion: 'lab',
              operatingSystem: 'linux',
              architecture: process.arch === 'x64' ? 'amd64' : process.arch,
              osImage: 'network namespace',
              kernelVersion: release(),
              containerRuntimeVersion: 'none',
              machineID: '',
              systemUUID: '',
              bootID: '',
            },
          },
        },
      });
    }

    const launch = (spec: Omit<AppLaunch, 'logFile'>) =>
      launcher.launch({ ...spec, logFile: path.join(runDir, `logs/${spec.name}.log`) }, api!, runDir);
    const m1 = nodes[0]!.host;
    const controllerLog = path.join(runDir, 'logs/controller-m1.log');
    const controller = await launch({
      app: 'controller',
      name: 'controller-m1',
      host: m1,
      args: [
        `--namespace=${metallbNamespace}`,
        `--metrics-host=${m1.ipv4}`,
        `--metrics-port=${controllerPort}`,
      ],
      env: { POD_NAMESPACE: metallbNamespace, POD_NAME: 'controller-m1' },
      serviceAccount: { namespace: metallbNamespace, name: 'controller' },
    });
    await waitHealthy(
      'the controller /readyz',
      controller,
      `http://${m1.ipv4}:${controllerPort}/readyz`,
      controllerLog,
    );
    log(`controller ready (in m1; ${launcher.kind})`);

    // The kubelet's part: mount Secret memberlist/secretkey into the speakers.
    let secretFromController = true;
    const secret = await waitFor('Secret memberlist', secretWaitMs, async () => {
      const s = await kube.request<{ data?: Record<string, string> }>(
        'GET',
        `/api/v1/namespaces/${metallbNamespace}/secrets/memberlist`,
      );
      return s.data?.secretkey;
    }).catch(async () => {
      secretFromController = false;
      const key = randomBytes(32).toString('base64');
      await kube.request('POST', `/api/v1/namespaces/${metallbNamespace}/secrets`, {
        body: { metadata: { name: 'memberlist' }, data: { secretkey: key } },
      });
      return key;
    });
    const secretFile = path.join(runDir, 'memberlist-secretkey');
    await writeFile(secretFile, Buffer.from(secret, 'base64'), { mode: 0o600 });
    log(
      `membership Secret memberlist ${secretFromController ? 'created by the controller' : 'created by the lab (the controller did not)'}`,
    );

    const speakers = new Map<string, RunningApp>();
    const startSpeaker = async ({ name, host }: LabNode) => {
      const speaker = await launch({
        app: 'speaker',
        name: `speaker-${name}`,
        host,
        args: [
          `--node-name=${name}`,
          `--namespace=${metallbNamespace}`,
          `--ml-bind-addr=${host.ipv4}`,
          `--metrics-host=${host.ipv4}`,
          `--metrics-port=${speakerPort}`,
        ],
        env: { NODE_NAME: name, POD_NAMESPACE: metallbNamespace, METALLB_HOST: host.ipv4 },
        serviceAccount: { namespace: metallbNamespace, name: 'speaker' },
        memberlistKeyFile: secretFile,
      });
      speakers.set(name, speaker);
      return speaker;
    };
    for (const node of nodes) await startSpeaker(node);
    const waitSpeakerReady = ({ name, host }: LabNode) =>
      waitHealthy(
        `the speaker of ${name} /readyz`,
        speakers.get(name)!,
        `http://${host.ipv4}:${speakerPort}/readyz`,
        path.join(runDir, `logs/speaker-${name}.log`),
      );
    await Promise.all(nodes.map(waitSpeakerReady));
    log(`speakers ready in ${nodes.map((n) => n.name).join(', ')}; ${launcher.kind}`);

    return {
      lab,
      api,
      kubectl,
      kubectlBinary,
      nodes,
      client,
      extraHosts: lab.nodes.slice(nodeNames.length),
      runDir,
      address: (n) => `${prefix}.${n}`,
      secretFromController,
      controller,
      speakers,
      async restartSpeaker(name) {
        const node = nodes.find((n) => n.name === name)!;
        const speaker = await startSpeaker(node);
        await waitSpeakerReady(node);
        return speaker;
      },
      launch,
      nodeByMac: (mac) => nodes.find((n) => n.host.mac.toLowerCase() === mac.toLowerCase()),
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
