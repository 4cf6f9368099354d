/**
 * The configuration files of one node of the real cluster: containerd's config.toml, the CNI
 * conflist and kubelet's KubeletConfiguration. Pure renderers; the settings and their reasons are
 * those checked on these machines (tools/lab/README.md): every path per node, nothing at the
 * host's default locations.
 */

/** The per-node directories and addresses the files refer to. */
export type NodeLayout = {
  readonly name: string;
  /** The node's own directory; everything of the node lives below it. */
  readonly dir: string;
  readonly ip: string;
  /** This node's pod range, e.g. 198.19.2.0/24. */
  readonly podCidr: string;
  /** kubelet's cgroupRoot, created beforehand in every v1 hierarchy. */
  readonly cgroupRoot: string;
  readonly sandboxImage: string;
};

export const containerdSocket = (layout: NodeLayout) => `${layout.dir}/containerd.sock`;

export function renderContainerdConfig(layout: NodeLayout): string {
  const { dir } = layout;
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"

[grpc]
  address = "${containerdSocket(layout)}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${layout.sandboxImage}"
  # root here lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj, so never ask it to.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${dir}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni/net.d"
`;
}

/** bridge (the node is the pods' gateway; no masquerade: routes join the nodes) + host-local + portmap. */
export function renderCniConfig(layout: NodeLayout): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'bmlb-lab',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: layout.podCidr }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: `${layout.dir}/cni-ipam`,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * The sysctls kubelet insists on with `protectKernelDefaults: true`. Kubelet would otherwise set
 * them host-wide; the node's mount namespace shows it files holding these values instead.
 */
export const kubeletSysctls: Readonly<Record<string, string>> = {
  'vm/overcommit_memory': '1',
  'vm/panic_on_oom': '0',
  'kernel/panic': '10',
  'kernel/panic_on_oops': '1',
  'kernel/keys/root_maxkeys': '1000000',
  'kernel/keys/root_maxbytes': '25000000',
};

/** Why 10 s: the lab's node controller notices a dead node within seconds (lease renewed every 2.5 s). */
export const nodeLeaseDurationSeconds = 10;

export function renderKubeletConfig(layout: NodeLayout): string {
  const { dir } = layout;
  return `${JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: layout.ip,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      // Lab only: the API server's kubectl logs/exec are let in without client certificates.
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: 'AlwaysAllow' },
      containerRuntimeEndpoint: `unix://${containerdSocket(layout)}`,
      cgroupDriver: 'cgroupfs',
      cgroupRoot: layout.cgroupRoot,
      cgroupsPerQOS: true,
      enforceNodeAllocatable: ['pods'],
      failCgroupV1: false,
      failSwapOn: false,
      protectKernelDefaults: true,
      staticPodPath: `${dir}/manifests`,
      podLogsDir: `${dir}/pod-logs`,
      volumePluginDir: `${dir}/volume-plugins`,
      podCIDR: layout.podCidr,
      clusterDNS: [],
      resolvConf: '',
      // Images cannot be pulled again (no registry): never collect them, never evict for disk.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '0%', 'nodefs.available': '0%', 'imagefs.available': '0%' },
      nodeLeaseDurationSeconds,
      nodeStatusUpdateFrequency: '2s',
      serializeImagePulls: false,
    },
    null,
    2,
  )}\n`;
}
