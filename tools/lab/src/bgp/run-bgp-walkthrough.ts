/**
 * MetalLB's BGP configuration walkthrough, step by step, on the BGP lab: an address pool, a
 * BFDProfile, a BGPPeer (the router's address and ASN) and a BGPAdvertisement; a two-replica app
 * behind a LoadBalancer Service; the router's BGP table and its ECMP route in `ip route` with a next
 * hop per node; curl from the client behind the router reaching both pods; then a node cut off hard
 * and the router dropping its next hop within BFD's detection time while the client keeps asking.
 * `npm run lab -- --bgp` prints it; the e2e test asserts on the returned result.
 */

import { deployQuickstartApp, type QuickstartApp } from '../quickstart/quickstart-app.ts';
import { type LabNode, metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import { firstPoolYaml } from '../quickstart/run-quickstart.ts';
import { createStepPrinter } from '../quickstart/step-printer.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import { nodeAsn, routerAsn } from './bgp-addresses.ts';
import { type BgpLab, type BgpLabOptions, startBgpLab } from './bgp-lab.ts';
import { curlMany, startRequestLoop } from './client-requests.ts';
import { withoutNextHop } from './kernel-routes.ts';

/** Why 30 s: the speakers announce within a second of the Service; anything near this is a hang. */
const routeTimeoutMs = 30_000;

export type BgpWalkthroughResult = {
  readonly loadBalancerIp: string;
  /** `kubectl get svc web` as printed. */
  readonly serviceTable: string;
  /** Service created → its /32 in the router's kernel table with a next hop per node. */
  readonly routeMs: number;
  /** The router's BGP table and kernel next hops for the /32. */
  readonly ribNextHops: readonly string[];
  readonly kernelNextHops: readonly string[];
  readonly showRoutes: { readonly command: string; readonly output: string };
  readonly ipRoute: string;
  readonly podNames: readonly string[];
  readonly curlBefore: ReadonlyMap<string, number>;
  readonly nodeDown: {
    readonly node: string;
    /** Node cut off → its next hop gone from the router's kernel table. */
    readonly ms: number;
    readonly nextHopsAfter: readonly string[];
    /** The client's requests from the cut until a second after the next hop went. */
    readonly requests: number;
    readonly failed: number;
  };
  readonly curlAfter: ReadonlyMap<string, number>;
};

/** BGPPeer `router`: our ASN, the router's address and ASN, and optionally a BFD profile or hold time. */
export const bgpPeerYaml = (
  routerAddress: string,
  options: { readonly bfdProfile?: string; readonly holdTime?: string },
) => `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: router
  namespace: metallb-system
spec:
  myASN: ${nodeAsn}
  peerASN: ${routerAsn}
  peerAddress: ${routerAddress}
${options.bfdProfile === undefined ? '' : `  bfdProfile: ${options.bfdProfile}\n`}${options.holdTime === undefined ? '' : `  holdTime: ${options.holdTime}\n`}`;

export const bgpConfigYaml = (
  routerAddress: string,
  first: string,
  last: string,
) => `${firstPoolYaml(first, last)}---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata:
  name: fast
  namespace: metallb-system
spec:
  receiveInterval: 50
  transmitInterval: 50
  detectMultiplier: 3
---
${bgpPeerYaml(routerAddress, { bfdProfile: 'fast' })}---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: example
  namespace: metallb-system
`;

export type RunBgpWalkthroughOptions = BgpLabOptions & { readonly out?: (line: string) => void };

/** Runs the walkthrough on a new BGP lab and returns it still running; on failure it is destroyed. */
export async function runBgpWalkthrough(
  options: RunBgpWalkthroughOptions = {},
): Promise<{ lab: BgpLab; app: QuickstartApp; result: BgpWalkthroughResult }> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const indent = (text: string) => text.trimEnd().replace(/^/gm, '    ');
  const { step } = createStepPrinter(out);
  const startedAt = performance.now();
  const elapsed = () => `+${((performance.now() - startedAt) / 1000).toFixed(1)}s`.padStart(7);
  const lab = await step(
    `Start: API server, nodes m1 w1 w2, a router (${options.router ?? 'frr'}) and a client behind it`,
    () => startBgpLab({ ...options, log: (line) => out(`    ${elapsed()}  ${line}`) }),
  );
  const { cluster, routerHost, routes } = lab;
  const client = lab.clientLan.client;
  try {
    out(
      `    router ${routerHost.ipv4} (AS ${routerAsn}, ${lab.router.kind}) and ${lab.clientLan.routerAddress}; client ${client.ipv4}`,
    );
    const kubectl = async (args: readonly string[], input?: string) => {
      out(`    $ kubectl ${args.join(' ')}`);
      const { stdout } = await cluster.kubectl(args, input);
      out(indent(stdout));
      return stdout;
    };
    await step('Configure a pool, a BFD profile, the router as BGPPeer and a BGPAdvertisement', async () => {
      const yaml = bgpConfigYaml(routerHost.ipv4, '198.18.112.200', '198.18.112.250');
      out(indent(yaml));
      await kubectl(['apply', '-f', '-'], yaml);
      await kubectl(['-n', metallbNamespace, 'get', 'ipaddresspools,bgppeers,bgpadvertisements,bfdprofiles']);
    });
    const nodeIps = cluster.nodes.map((n) => n.host.ipv4).sort();
    await step('The router: a BGP session and a BFD session with every node', () =>
      waitFor('sessions and BFD up', routeTimeoutMs, async () => {
        const sessions = await lab.router.sessions();
        const bfd = await lab.router.bfdPeers();
        const up = nodeIps.every((ip) => sessions.get(ip) === 'established' && bfd.get(ip) === 'up');
        if (up) out(`    ${nodeIps.join(', ')}: Established, BFD up`);
        return up ? true : undefined;
      }),
    );

    const app = await step(
      'Deploy a two-replica app and a LoadBalancer Service web (port 80 -> 8080)',
      async () => {
        const deployed = await deployQuickstartApp(cluster);
        for (const pod of deployed.pods) out(`    pod ${pod.name} on ${pod.node.name} at ${pod.ip}:8080`);
        return deployed;
      },
    );
    const serviceTable = (await step('kubectl get svc', () => kubectl(['get', 'svc', 'web']))).trimEnd();
    const prefix = `${app.loadBalancerIp}/32`;

    const routeAt = await step("The router's view: the /32 with a next hop per node (ECMP)", async () => {
      const at = await routes.waitFor(prefix, (hops) => hops.length === nodeIps.length, routeTimeoutMs);
      out(
        `    in the router's kernel table ${(at - app.serviceCreatedAt).toFixed(0)} ms after the Service was created`,
      );
      return at;
    });
    const kernelNextHops = routes.nextHops(prefix);
    const ribNextHops = await waitFor('the /32 in the BGP table', routeTimeoutMs, async () => {
      const hops = (await lab.router.routes()).get(prefix);
      return hops?.length === nodeIps.length ? hops : undefined;
    });
    const showRoutes = await lab.router.showRoutes();
    out(`    $ ${showRoutes.command}`);
    out(indent(showRoutes.output));
    const ipRoute = (await routerHost.exec('ip', ['route'])).stdout;
    out('    $ ip route   (in the router)');
    out(indent(ipRoute));

    const curlBefore = await step('curl from the client, through the router, reaches both pods', async () => {
      const { answers } = await curlMany(client, app.loadBalancerIp, 20);
      out(`    $ curl http://${app.loadBalancerIp}/hostname   (x20, from ${client.ipv4})`);
      for (const [pod, n] of answers) out(`    ${pod}   ${n} response(s)`);
      return answers;
    });

    const down = cluster.nodes.find((n) => n.name === 'w2')!;
    const nodeDown = await step(`Cut ${down.name} off (link down, speaker and pods killed)`, async () => {
      const loop = startRequestLoop(client, app.loadBalancerIp);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cutAt = performance.now();
      await stopNode(lab, app, down);
      const goneAt = await routes.waitFor(prefix, withoutNextHop(down.host.ipv4), routeTimeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { requests, failed } = await loop.stop();
      const ms = goneAt - cutAt;
      out(`    the router dropped ${down.name}'s next hop ${ms.toFixed(0)} ms after the cut (BFD 50 ms × 3)`);
      out(`    the client sent ${requests} requests meanwhile, ${failed} failed`);
      out(`    $ ip route show ${prefix}   (in the router)`);
      out(indent((await routerHost.exec('ip', ['route', 'show', prefix])).stdout));
      return { node: down.name, ms, nextHopsAfter: routes.nextHops(prefix), requests, failed };
    });

    const curlAfter = await step('curl again: the Service still answers, from the pod left', async () => {
      const { answers } = await curlMany(client, app.loadBalancerIp, 10);
      for (const [pod, n] of answers) out(`    ${pod}   ${n} response(s)`);
      return answers;
    });

    const result: BgpWalkthroughResult = {
      loadBalancerIp: app.loadBalancerIp,
      serviceTable,
      routeMs: routeAt - app.serviceCreatedAt,
      ribNextHops,
      kernelNextHops,
      showRoutes,
      ipRoute,
      podNames: app.pods.map((p) => p.name),
      curlBefore,
      nodeDown,
      curlAfter,
    };
    return { lab, app, result };
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}

/**
 * A power cut: the node's link goes down and its speaker and pods die without a word; the lab
 * then plays the node lifecycle controller (its pods' endpoints become not ready at once).
 */
export async function stopNode(lab: BgpLab, app: QuickstartApp | undefined, node: LabNode): Promise<void> {
  await node.host.exec('ip', ['link', 'set', node.host.ifname, 'down']);
  lab.cluster.speakers.get(node.name)?.kill('SIGKILL');
  if (app === undefined) return;
  for (const pod of app.pods) if (pod.node === node) pod.process.kill('SIGKILL');
  await app.markNodeLost(node);
}
