/**
 * `npm run lab [-- --keep]`: the MetalLB layer-2 quick start on this machine, no cluster needed.
 * Needs root (network namespaces, raw sockets) and arping, curl, iptables; says plainly what is
 * missing. Tears everything down at the end or on Ctrl-C; --keep leaves it running until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { bgpLabNeeds } from '../bgp/bgp-lab-needs.ts';
import { RouterKind } from '../bgp/lab-router.ts';
import { runBgpLab } from '../bgp/run-bgp-lab.ts';
import { LabError } from '../lab-error.ts';
import { findMissing } from '../prerequisites.ts';
import { realClusterNeeds } from '../real-cluster/real-cluster-needs.ts';
import { runClusterLab } from '../real-cluster/run-cluster-lab.ts';
import { keptLabInstructions } from './kept-lab-instructions.ts';
import { quickstartNeeds } from './quickstart-prerequisites.ts';
import { runQuickstart } from './run-quickstart.ts';
import { waitForStopRequest } from './wait-for-stop-request.ts';

const usage = `Usage: npm run lab [-- --keep] [-- --subnet 198.51.100.0/24] [-- --cluster] [-- --bgp [--router bird]]

Reproduces the MetalLB layer-2 quick start on this machine: a real API server, nodes m1, w1, w2
and a client in network namespaces, the baremetal-lb controller and speakers, an address pool,
a two-replica app behind a LoadBalancer Service, then a node failure. Needs root.

  --keep          leave the lab running afterwards (until Ctrl-C) and print how to use it
  --cluster       a real cluster instead: kubelets, containerd and kube-proxy in the node
                  namespaces, kube-controller-manager and kube-scheduler, baremetal-lb installed
                  with kubectl apply -k deploy as real pods (198.18.100.0/24; needs podman too)
  --bgp           BGP mode instead: a router (FRR: bgpd, bfdd, zebra) beside the nodes and a client
                  behind it; BGPPeer, BFDProfile, BGPAdvertisement; the router's ECMP route with a
                  next hop per node, then a node cut off (198.18.110.0/24; needs frr and bird2)
  --router NAME   with --bgp: frr (default) or bird (BIRD 2)
  --subnet CIDR   the lab's /24, bridged on this host: 198.51.100.0/24 (default) or one of 198.18.0.0/15
  --help          this text
`;

async function main(): Promise<number> {
  let values: {
    keep?: boolean;
    subnet?: string;
    help?: boolean;
    cluster?: boolean;
    bgp?: boolean;
    router?: string;
  };
  try {
    ({ values } = parseArgs({
      options: {
        keep: { type: 'boolean' },
        subnet: { type: 'string' },
        help: { type: 'boolean' },
        cluster: { type: 'boolean' },
        bgp: { type: 'boolean' },
        router: { type: 'string' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.bgp && (values.cluster || values.subnet !== undefined)) {
    process.stderr.write(
      `--bgp has its own addresses and simulated nodes: no --cluster or --subnet\n\n${usage}`,
    );
    return 2;
  }
  if (values.router !== undefined && !values.bgp) {
    process.stderr.write(`--router goes with --bgp\n\n${usage}`);
    return 2;
  }
  const router = values.router ?? RouterKind.frr;
  if (router !== RouterKind.frr && router !== RouterKind.bird) {
    process.stderr.write(`--router must be frr or bird, not "${router}"\n\n${usage}`);
    return 2;
  }
  const missing = findMissing(
    values.cluster ? realClusterNeeds() : values.bgp ? bgpLabNeeds() : quickstartNeeds(),
  );
  if (missing.length > 0) {
    process.stderr.write(
      `npm run lab cannot start. It needs:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` +
        'It creates network namespaces, a bridge and raw sockets, so run it as root (sudo npm run lab).\n',
    );
    return 1;
  }
  if (values.cluster) return runClusterLab({ keep: values.keep ?? false });
  if (values.bgp) return runBgpLab({ keep: values.keep ?? false, router });

  // Ctrl-C during the run: the lab's cleanup registry removes everything and the lab exits as
  // interrupted. Once the lab is kept, Ctrl-C is the way to stop it (waitForStopRequest).
  const onEarlyInterrupt = () => process.stdout.write('\nCtrl-C: tearing the lab down.\n');
  process.once('SIGINT', onEarlyInterrupt);
  let run: Awaited<ReturnType<typeof runQuickstart>>;
  try {
    run = await runQuickstart(values.subnet === undefined ? {} : { ipv4Subnet: values.subnet });
  } catch (error) {
    // The lab's own errors say what went wrong in words; anything else keeps its stack.
    const text = error instanceof LabError ? `${error.code}: ${error.message}` : (error as Error).stack;
    process.stderr.write(`\nnpm run lab failed (everything it created is removed):\n${text}\n`);
    return 1;
  }
  process.removeListener('SIGINT', onEarlyInterrupt);
  const { cluster, result } = run;
  if (!values.keep) {
    const start = performance.now();
    await cluster.destroy();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    process.stdout.write(`\nLab removed in ${seconds} s. \`npm run lab -- --keep\` leaves it running.\n`);
    return 0;
  }
  process.stdout.write(keptLabInstructions(cluster, result));
  const signal = await waitForStopRequest((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: tearing the lab down.\n`);
  await cluster.destroy();
  process.stdout.write('Lab removed.\n');
  return 0;
}

process.exitCode = await main();
