/** What the real cluster (`npm run lab -- --cluster` and its e2e test) needs from the host. */
import { goToolNeeds } from '../cluster/go-tool-needs.ts';
import type { Needs } from '../prerequisites.ts';
import { quickstartNeeds } from '../quickstart/quickstart-prerequisites.ts';

export function realClusterNeeds(env: NodeJS.ProcessEnv = process.env): Needs {
  return {
    root: true,
    commands: [
      ...(quickstartNeeds().commands ?? []).filter((c) => c.name !== 'go'),
      { name: 'containerd', debianPackage: 'containerd' },
      { name: 'ctr', debianPackage: 'containerd' },
      { name: 'runc', debianPackage: 'runc' },
      { name: 'nsenter', debianPackage: 'util-linux' },
      { name: 'unshare', debianPackage: 'util-linux' },
      // kube-proxy clears UDP conntrack entries with it.
      { name: 'conntrack', debianPackage: 'conntrack' },
      // The pause image's binary, built static.
      { name: 'gcc', debianPackage: 'gcc' },
      // The app image: a static busybox serving HTTP.
      { name: 'busybox', debianPackage: 'busybox-static' },
      // The controller and speaker images (npm run images).
      { name: 'podman', debianPackage: 'podman' },
      { name: 'buildah', debianPackage: 'buildah' },
      { name: 'debootstrap', debianPackage: 'debootstrap' },
      ...(goToolNeeds(
        [
          'kube-apiserver',
          'etcd',
          'kubectl',
          'kubelet',
          'kube-proxy',
          'kube-controller-manager',
          'kube-scheduler',
          'helm',
        ],
        env,
      ).commands ?? []),
    ],
    files: ['bridge', 'host-local', 'loopback', 'portmap'].map((plugin) => ({
      path: `/usr/lib/cni/${plugin}`,
      debianPackage: 'containernetworking-plugins',
    })),
  };
}
