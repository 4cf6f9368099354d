/**
 * One node of the real cluster: containerd, kubelet and kube-proxy in the node's network namespace
 * (a lab host on the bridge) and in a private mount namespace of the node's own, where the node's
 * directories cover /run, /var/lib and /var/log (kubelet and containerd hard-code paths there) and
 * files with kubelet's expected values cover six /proc/sys entries (so kubelet changes no host
 * setting). containerd starts through `nsenter --net` (not `ip netns exec`, which remounts /sys
 * and hides the cgroup mounts), so a hostNetwork pod lives in the node's namespace. Every process
 * sits in the run's cgroups (cluster-cgroups.ts): `stopHard()` kills them all at once, as a power
 * cut would, and `start()` boots the node again from the same directories.
 */

import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../lab-error.ts';
import type { LabHost } from '../lab-host.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import { runCommand } from '../run-command.ts';
import {
  createNodeCgroupRoot,
  joinCgroupArgs,
  killCgroupTree,
  runCgroupName,
  trackingProcsFile,
} from './cluster-cgroups.ts';
import type { ImageArchive } from './cluster-images.ts';
import {
  containerdSocket,
  kubeletSysctls,
  type NodeLayout,
  renderCniConfig,
  renderContainerdConfig,
  renderKubeletConfig,
} from './node-config.ts';
import { clusterCidr, serviceCidr } from './real-cluster-network.ts';

export type NodeBinaries = { readonly kubelet: string; readonly kubeProxy: string };

export type ClusterNodeOptions = {
  readonly name: string;
  readonly host: LabHost;
  readonly podCidr: string;
  /** The other nodes' pod ranges and addresses, routed over the bridge. */
  readonly peers: readonly { readonly podCidr: string; readonly ip: string }[];
  /** The host end of the bridge (the API server): pods reach it masqueraded as the node. */
  readonly apiServerIp: string;
  readonly kubeconfigPath: string;
  readonly runDir: string;
  readonly binaries: NodeBinaries;
  readonly images: readonly ImageArchive[];
  readonly sandboxImage: string;
  /** The lab subnet (kube-proxy's NodePort addresses). */
  readonly subnet: string;
  readonly registerWithTaints?: readonly string[];
};

export type ClusterNode = {
  readonly name: string;
  readonly host: LabHost;
  readonly dir: string;
  /** Boots containerd (images imported once), kubelet and kube-proxy; link up, routes back. */
  start(): Promise<void>;
  /** A power cut: link down, every process of the node SIGKILLed. */
  stopHard(): Promise<void>;
};

/** Why 60 s: containerd opens its database and plugins in under a second; 60 s is a hang. */
const socketTimeoutMs = 60_000;

export async function createClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const { name, host, runDir } = options;
  const dir = path.join(runDir, 'nodes', name);
  for (const sub of [
    'run',
    'var-lib',
    'var-log',
    'cni/net.d',
    'cni-ipam',
    'kubelet',
    'manifests',
    'pod-logs',
    'volume-plugins',
    'pki',
    'sysctl',
    'opt',
    'runc',
    'logs',
  ]) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const layout: NodeLayout = {
    name,
    dir,
    ip: host.ipv4,
    podCidr: options.podCidr,
    cgroupRoot: await createNodeCgroupRoot(name),
    sandboxImage: options.sandboxImage,
  };
  const systemProcs = await trackingProcsFile(`${name}-system`);
  await writeFile(path.join(dir, 'containerd.toml'), renderContainerdConfig(layout));
  await writeFile(path.join(dir, 'cni/net.d/10-bmlb-lab.conflist'), renderCniConfig(layout));
  await writeFile(path.join(dir, 'kubelet.json'), renderKubeletConfig(layout));
  const mounts = [
    `mount --bind ${dir}/run /run`,
    `mount --bind ${dir}/var-lib /var/lib`,
    `mount --bind ${dir}/var-log /var/log`,
  ];
  for (const [key, value] of Object.entries(kubeletSysctls)) {
    const file = path.join(dir, 'sysctl', key.replaceAll('/', '.'));
    await writeFile(file, `${value}\n`);
    mounts.push(`mount --bind ${file} /proc/sys/${key}`);
  }
  const bootScript = path.join(dir, 'boot-containerd.sh');
  await writeFile(
    bootScript,
    `#!/bin/sh\n# Runs in the node's new private mount namespace, then becomes containerd.\nset -e\n${mounts.join('\n')}\nexec containerd --config ${dir}/containerd.toml\n`,
    { mode: 0o755 },
  );
  const ip = (args: readonly string[]) => runCommand('ip', ['-n', host.namespace, ...args]);
  // Pods reach the API server on the bridge's host end as the node itself; the host has no route
  // back to the pod ranges (and gets none: they exist only inside the namespaces).
  await host.exec('iptables', [
    '-t',
    'nat',
    '-A',
    'POSTROUTING',
    '-s',
    options.podCidr,
    '-d',
    `${options.apiServerIp}/32`,
    '-j',
    'MASQUERADE',
  ]);
  let imported = false;

  const spawnTracked = (logName: string, command: readonly string[]) => {
    const log = openSync(path.join(dir, 'logs', `${logName}.log`), 'a');
    const child = spawn('sh', joinCgroupArgs(systemProcs, command), {
      stdio: ['ignore', log, log],
      detached: true,
    });
    child.unref();
    return child;
  };

  const start = async () => {
    await ip(['link', 'set', host.ifname, 'up']);
    for (const peer of options.peers) await ip(['route', 'replace', peer.podCidr, 'via', peer.ip]);
    // The node has no default route, and a local process (a hostNetwork pod such as the speaker)
    // needs a route to a ClusterIP before kube-proxy's OUTPUT rules can rewrite it.
    await ip(['route', 'replace', serviceCidr, 'via', options.apiServerIp]);
    const containerd = spawnTracked('containerd', [
      'nsenter',
      `--net=${host.namespacePath}`,
      '--',
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      bootScript,
    ]);
    const socket = containerdSocket(layout);
    await waitFor(
      `containerd of ${name}`,
      socketTimeoutMs,
      async () => {
        if (containerd.exitCode !== null)
          throw new LabError('ERR_LAB_NODE', `containerd of ${name} exited; see ${dir}/logs/containerd.log`);
        await runCommand('ctr', ['-a', socket, 'version']);
        return true;
      },
      100,
    );
    if (!imported) {
      for (const image of options.images) {
        await runCommand('ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'import', image.file], {
          timeoutMs: 10 * 60_000,
        });
      }
      imported = true;
    }
    const pid = containerd.pid!;
    const inNode = ['nsenter', `--mount=/proc/${pid}/ns/mnt`, `--net=/proc/${pid}/ns/net`, '--'];
    spawnTracked('kubelet', [
      ...inNode,
      options.binaries.kubelet,
      `--config=${dir}/kubelet.json`,
      `--kubeconfig=${options.kubeconfigPath}`,
      `--hostname-override=${name}`,
      `--node-ip=${host.ipv4}`,
      `--root-dir=${dir}/kubelet`,
      `--cert-dir=${dir}/pki`,
      // A cadvisor flag: without it cadvisor dials /run/containerd/containerd.sock.
      `--containerd=${socket}`,
      ...(options.registerWithTaints?.length
        ? [`--register-with-taints=${options.registerWithTaints.join(',')}`]
        : []),
    ]);
    spawnTracked('kube-proxy', [
      ...inNode,
      options.binaries.kubeProxy,
      `--kubeconfig=${options.kubeconfigPath}`,
      `--hostname-override=${name}`,
      '--proxy-mode=iptables',
      `--cluster-cidr=${clusterCidr}`,
      `--nodeport-addresses=${options.subnet}`,
      // Zero: leave the host-wide conntrack sysctls alone.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      '--metrics-bind-address=127.0.0.1:10249',
      '--healthz-bind-address=127.0.0.1:10256',
    ]);
  };

  return {
    name,
    host,
    dir,
    start,
    async stopHard() {
      await ip(['link', 'set', host.ifname, 'down']);
      // Both trees get their first SIGKILLs at once; the event loop runs while they exit.
      await Promise.all([
        killCgroupTree(`/${runCgroupName()}/${name}-system`),
        killCgroupTree(layout.cgroupRoot),
      ]);
    },
  };
}
