/**
 * `npm run lab -- --cluster [--keep]`: the walkthrough on a real cluster (start-real-cluster.ts),
 * printed as it goes, one hard failover of the announcing node, then everything removed; with
 * --keep the cluster stays up (with the KUBECONFIG line to use it) until Ctrl-C.
 */
import { LabError } from '../lab-error.ts';
import { metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import { waitForStopRequest } from '../quickstart/wait-for-stop-request.ts';
import { runRealWalkthrough } from './run-real-walkthrough.ts';
import { type RealCluster, startRealCluster } from './start-real-cluster.ts';

export function keptClusterInstructions(cluster: RealCluster, loadBalancerIp: string): string {
  const client = cluster.client.namespace;
  return `
The cluster keeps running. In another shell, as root:

  export KUBECONFIG=${cluster.api.kubeconfigPath}
  alias kubectl=${cluster.kubectlBinary}   # v1.34.4, built from source
  kubectl get nodes,pods -A -o wide
  kubectl -n ${metallbNamespace} logs ds/speaker
  ip netns exec ${client} curl http://${loadBalancerIp}/hostname
  ip netns exec ${client} arping -c 3 -I eth0 ${loadBalancerIp}

Every part is real: kubelets, containerd, kube-proxy (iptables), the scheduler and the
controller-manager. Images cannot be pulled (no registry): use imagePullPolicy Never with
${cluster.images.web.ref} (answers /hostname on 8080), or import your own with
  ctr -a <node dir>/containerd.sock -n k8s.io images import IMAGE.tar
Node namespaces: ${cluster.nodes.map((n) => `${n.name}=${n.host.namespace}`).join(' ')}
Node directories (logs, sockets): ${cluster.runDir}/nodes
Press Ctrl-C to tear everything down.
`;
}

export async function runClusterLab(options: { readonly keep: boolean }): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const onEarlyInterrupt = () => out('\nCtrl-C: tearing the cluster down.');
  process.once('SIGINT', onEarlyInterrupt);
  let cluster: RealCluster | undefined;
  let loadBalancerIp: string;
  try {
    out(
      '▶ Start the cluster: API server, controller-manager, scheduler; nodes m1 w1 w2 with containerd, kubelet, kube-proxy',
    );
    cluster = await startRealCluster({ log: (line) => out(`    ${line}`) });
    ({ loadBalancerIp } = await runRealWalkthrough(cluster, { failovers: 1, out }));
  } catch (error) {
    await cluster?.destroy().catch(() => {});
    const text = error instanceof LabError ? `${error.code}: ${error.message}` : (error as Error).stack;
    process.stderr.write(`\nnpm run lab -- --cluster failed (everything it created is removed):\n${text}\n`);
    return 1;
  }
  process.removeListener('SIGINT', onEarlyInterrupt);
  if (options.keep) {
    out(keptClusterInstructions(cluster, loadBalancerIp));
    const signal = await waitForStopRequest(out);
    out(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: tearing the cluster down.`);
  }
  const start = performance.now();
  // After Ctrl-C the cleanup registry has already removed everything; this only confirms it.
  await cluster.destroy();
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  out(
    options.keep
      ? 'Cluster removed.'
      : `\nCluster removed in ${seconds} s. \`npm run lab -- --cluster --keep\` leaves it running.`,
  );
  return 0;
}
