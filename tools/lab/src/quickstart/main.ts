/**
 * `npm run lab [-- --keep]`: the MetalLB layer-2 quick start on this machine, no cluster needed.
 * Needs root (network namespaces, raw sockets) and arping, curl, iptables; says plainly what is
 * missing. Tears everything down at the end or on Ctrl-C; --keep leaves it running until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { LabError } from '../lab-error.ts';
import { findMissing } from '../prerequisites.ts';
import { quickstartNeeds } from './quickstart-prerequisites.ts';
import { runQuickstart } from './run-quickstart.ts';

const usage = `Usage: npm run lab [-- --keep] [-- --subnet 198.51.100.0/24]

Reproduces the MetalLB layer-2 quick start on this machine: a real API server, nodes m1, w1, w2
and a client in network namespaces, the baremetal-lb controller and speakers, an address pool,
a two-replica app behind a LoadBalancer Service, then a node failure. Needs root.

  --keep          leave the lab running afterwards (until Ctrl-C) and print how to use it
  --subnet CIDR   a documentation /24 for the lab (default 198.51.100.0/24)
  --help          this text
`;

async function main(): Promise<number> {
  let values: { keep?: boolean; subnet?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { keep: { type: 'boolean' }, subnet: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const missing = findMissing(quickstartNeeds());
  if (missing.length > 0) {
    process.stderr.write(
      `npm run lab cannot start. It needs:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` +
        'It creates network namespaces, a bridge and raw sockets, so run it as root (sudo npm run lab).\n',
    );
    return 1;
  }

  process.once('SIGINT', () => process.stdout.write('\nCtrl-C: tearing the lab down.\n'));
  let run: Awaited<ReturnType<typeof runQuickstart>>;
  try {
    run = await runQuickstart(values.subnet === undefined ? {} : { ipv4Subnet: values.subnet });
  } catch (error) {
    // The lab's own errors say what went wrong in words; anything else keeps its stack.
    const text = error instanceof LabError ? `${error.code}: ${error.message}` : (error as Error).stack;
    process.stderr.write(`\nnpm run lab failed (everything it created is removed):\n${text}\n`);
    return 1;
  }
  const { cluster, result } = run;
  if (!values.keep) {
    const start = performance.now();
    await cluster.destroy();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    process.stdout.write(`\nLab removed in ${seconds} s. \`npm run lab -- --keep\` leaves it running.\n`);
    return 0;
  }
  const client = cluster.client.namespace;
  process.stdout.write(`
The lab keeps running. In another shell, as root:

  export KUBECONFIG=${cluster.api.kubeconfigPath}
  kubectl get nodes,pods,svc,endpointslices -o wide
  kubectl -n metallb-system get ipaddresspools,l2advertisements,servicel2statuses
  kubectl get events -A
  ip netns exec ${client} curl http://${result.loadBalancerIp}/hostname
  ip netns exec ${client} arping -c 3 -I eth0 ${result.loadBalancerIp}

Node namespaces: ${cluster.nodes.map((n) => `${n.name}=${n.host.namespace}`).join(' ')}
Logs: ${cluster.runDir}/logs
Press Ctrl-C to tear everything down.
`);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  process.stdout.write('SIGTERM: tearing the lab down.\n');
  await cluster.destroy();
  return 0;
}

process.exitCode = await main();
