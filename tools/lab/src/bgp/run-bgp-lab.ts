/**
 * `npm run lab -- --bgp [--router bird] [--keep]`: the MetalLB BGP walkthrough on the BGP lab,
 * printed as it goes, then everything removed; with --keep the lab stays up (with the commands to
 * look at the router) until Ctrl-C. Ctrl-C during the run tears it down through the cleanup registry.
 */
import { LabError } from '../lab-error.ts';
import { metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import { waitForStopRequest } from '../quickstart/wait-for-stop-request.ts';
import type { BgpLab } from './bgp-lab.ts';
import type { RouterKind } from './lab-router.ts';
import { runBgpWalkthrough } from './run-bgp-walkthrough.ts';

export function keptBgpLabInstructions(lab: BgpLab, loadBalancerIp: string): string {
  const { cluster, routerHost } = lab;
  const router = routerHost.namespace;
  return `
The lab keeps running. In another shell, as root:

  export KUBECONFIG=${cluster.api.kubeconfigPath}
  alias kubectl=${cluster.kubectlBinary}   # v1.34.4, built from source like the API server
  kubectl -n ${metallbNamespace} get bgppeers,bgpadvertisements,bfdprofiles,servicebgpstatuses
  ip netns exec ${router} ip route                       # the router's ECMP routes
  ${lab.router.showCommand}
  ip netns exec ${lab.clientLan.client.namespace} curl http://${loadBalancerIp}/hostname

The API server, the controller, the speakers and the router (${lab.router.kind}) are real; the
kubelets and kube-proxy are played by the lab for its own app only (Service web and its pods), as
in \`npm run lab\`: a Service you create gets an IP, but no endpoints, so no node announces it.
Node namespaces: ${cluster.nodes.map((n) => `${n.name}=${n.host.namespace}`).join(' ')}, router=${router}
Logs: ${cluster.runDir}/logs
Press Ctrl-C to tear everything down.
`;
}

export async function runBgpLab(options: {
  readonly keep: boolean;
  readonly router: RouterKind;
}): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const onEarlyInterrupt = () => out('\nCtrl-C: tearing the lab down.');
  process.once('SIGINT', onEarlyInterrupt);
  let run: Awaited<ReturnType<typeof runBgpWalkthrough>>;
  try {
    run = await runBgpWalkthrough({ router: options.router, out });
  } catch (error) {
    const text = error instanceof LabError ? `${error.code}: ${error.message}` : (error as Error).stack;
    process.stderr.write(`\nnpm run lab -- --bgp failed (everything it created is removed):\n${text}\n`);
    return 1;
  }
  process.removeListener('SIGINT', onEarlyInterrupt);
  const { lab, result } = run;
  if (options.keep) {
    out(keptBgpLabInstructions(lab, result.loadBalancerIp));
    const signal = await waitForStopRequest(out);
    out(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: tearing the lab down.`);
  }
  const start = performance.now();
  await lab.destroy();
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  out(
    options.keep
      ? 'Lab removed.'
      : `\nLab removed in ${seconds} s. \`npm run lab -- --bgp --keep\` leaves it running.`,
  );
  return 0;
}
