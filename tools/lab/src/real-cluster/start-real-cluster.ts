/**
 * A real Kubernetes cluster on one machine: the API server, controller-manager and scheduler on
 * the host end of a lab bridge, and nodes m1 (tainted as control plane), w1 and w2, each a network
 * namespace on that bridge with its own containerd, kubelet and kube-proxy (cluster-node.ts), plus
 * a client namespace for curl and arping. Everything it creates (namespaces, bridge, processes,
 * mounts, cgroups, the iptables rules inside the namespaces, the run directory) goes on destroy(),
 * on an error, on Ctrl-C/SIGTERM and at exit (the lab's cleanup registry); a SIGKILLed run's
 * leftovers are swept by the next run.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeClient, Node } from '@baremetal-lb/kube';
import { registerCleanup } from '../cleanup-registry.ts';
import type { ApiServerProcess } from '../cluster/api-server-process.ts';
import { ensureGoToolPaths, type Kubectl, kubectlFor } from '../cluster/kubectl.ts';
import { createLab, type Lab, LabBridgeMode } from '../create-lab.ts';
import { isProcessAlive } from '../is-process-alive.ts';
import type { LabHost } from '../lab-host.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import { killCgroupTreeSync, runCgroupName, sweepStaleClusterCgroups } from './cluster-cgroups.ts';
import { type ClusterImages, prepareClusterImages } from './cluster-images.ts';
import { type ClusterNode, createClusterNode } from './cluster-node.ts';
import { startControlPlane } from './control-plane.ts';
import { clusterAddress, clusterIpv6Prefix, clusterSubnet, podCidrOf } from './real-cluster-network.ts';

export const realNodeNames = ['m1', 'w1', 'w2'] as const;
const controlPlaneTaint = 'node-role.kubernetes.io/control-plane';
/** Why 5 min: first image imports on two busy cores; nodes are Ready seconds after that. */
const nodesReadyTimeoutMs = 5 * 60_000;

export type RealClusterOptions = { readonly log?: (line: string) => void };

export type RealCluster = {
  readonly lab: Lab;
  readonly api: ApiServerProcess;
  readonly kubectl: Kubectl;
  readonly kubectlBinary: string;
  readonly helmBinary: string;
  readonly nodes: readonly ClusterNode[];
  readonly client: LabHost;
  readonly runDir: string;
  readonly images: ClusterImages;
  /** Milliseconds: images built or found and saved; then API server start to three Ready nodes. */
  readonly timings: { readonly imagesMs: number; readonly upMs: number };
  address(n: number): string;
  nodeByMac(mac: string): ClusterNode | undefined;
  destroy(): Promise<void>;
};

/** Names of the nodes whose Ready condition is True. */
export async function listReadyNodes(kube: KubeClient): Promise<string[]> {
  const { items } = await kube.request<{ items: Node[] }>('GET', '/api/v1/nodes');
  return items
    .filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((node) => node.metadata.name);
}

const runDirPrefix = 'bmlb-rc-';

/** Run directories of runs whose process is gone (SIGKILLed: no exit hook ran). */
function sweepStaleRunDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(new RegExp(`^${runDirPrefix}(\\d+)-`).exec(name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
      rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

export async function startRealCluster(options: RealClusterOptions = {}): Promise<RealCluster> {
  const log = options.log ?? (() => {});
  // What a SIGKILLed run left: its processes and cgroups first, then its files. (createLab sweeps
  // its namespaces and links.)
  sweepStaleClusterCgroups();
  sweepStaleRunDirs();
  const [kubectlBinary, kubelet, kubeProxy, controllerManager, scheduler, helmBinary] =
    (await ensureGoToolPaths(
      ['kubectl', 'kubelet', 'kube-proxy', 'kube-controller-manager', 'kube-scheduler', 'helm'],
      log,
    )) as [string, string, string, string, string, string];
  const imagesStart = performance.now();
  const images = await prepareClusterImages(log);
  const imagesMs = performance.now() - imagesStart;

  const upStart = performance.now();
  const lab = await createLab({
    nodes: [...realNodeNames],
    client: true,
    bridge: LabBridgeMode.host,
    ipv4Subnet: clusterSubnet,
    ipv6Prefix: clusterIpv6Prefix,
  });
  const runDir = await mkdtemp(path.join(tmpdir(), `${runDirPrefix}${process.pid}-`));
  await mkdir(path.join(runDir, 'logs'));
  // After the lab's own cleanup, so it runs before it: processes die before their namespaces go.
  const cleanupSync = () => {
    killCgroupTreeSync(`/${runCgroupName()}`);
    rmSync(runDir, { recursive: true, force: true });
  };
  const unregister = registerCleanup(cleanupSync);
  let api: ApiServerProcess | undefined;
  const destroy = async () => {
    unregister();
    try {
      killCgroupTreeSync(`/${runCgroupName()}`);
    } finally {
      await api?.stop().catch(() => {});
      await lab.destroy();
      await rm(runDir, { recursive: true, force: true });
    }
  };

  try {
    const apiServerIp = lab.bridge!.ipv4Cidr!.split('/')[0]!;
    log(
      `network: ${lab.nodes.map((n) => `${n.name} ${n.ipv4}`).join(', ')}, client ${lab.client!.ipv4}, bridge ${lab.bridge!.ifname} ${lab.bridge!.ipv4Cidr}`,
    );
    api = await startControlPlane({
      listenAddress: apiServerIp,
      runDir,
      binaries: { controllerManager, scheduler },
      log,
    });
    log(`API server ${api.server}; kube-controller-manager and kube-scheduler started`);
    const nodes: ClusterNode[] = [];
    for (const [index, host] of lab.nodes.entries()) {
      const name = realNodeNames[index]!;
      const controlPlane = name === 'm1';
      nodes.push(
        await createClusterNode({
          name,
          host,
          podCidr: podCidrOf(index),
          peers: lab.nodes
            .filter((peer) => peer !== host)
            .map((peer) => ({ podCidr: podCidrOf(lab.nodes.indexOf(peer)), ip: peer.ipv4 })),
          apiServerIp,
          kubeconfigPath: api.kubeconfigPath,
          runDir,
          binaries: { kubelet, kubeProxy },
          // The control-plane node runs only the speaker (the others tolerate no taint).
          images: controlPlane
            ? [images.pause, images.speaker]
            : [images.pause, images.speaker, images.controller, images.web],
          sandboxImage: images.pause.ref,
          subnet: clusterSubnet,
          ...(controlPlane ? { registerWithTaints: [`${controlPlaneTaint}=:NoSchedule`] } : {}),
        }),
      );
    }
    await Promise.all(nodes.map((node) => node.start()));
    const { kube } = api;
    await waitFor(
      'three Ready nodes',
      nodesReadyTimeoutMs,
      async () => ((await listReadyNodes(kube)).length === realNodeNames.length ? true : undefined),
      500,
    );
    const kubectl = kubectlFor(kubectlBinary, api.kubeconfigPath, path.join(runDir, 'kube-cache'));
    await kubectl(['label', 'node', 'm1', `${controlPlaneTaint}=`]);
    const upMs = performance.now() - upStart;
    log(`cluster up: 3 Ready nodes ${(upMs / 1000).toFixed(1)} s after the lab started`);
    return {
      lab,
      api,
      kubectl,
      kubectlBinary,
      helmBinary,
      nodes,
      client: lab.client!,
      runDir,
      images,
      timings: { imagesMs, upMs },
      address: (n) => clusterAddress(n),
      nodeByMac: (mac) => nodes.find((node) => node.host.mac === mac.toLowerCase()),
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
