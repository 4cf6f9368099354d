/**
 * The router harness without Kubernetes: nodes m1, w1, w2 and a router on a node LAN (a bridge in
 * its own namespace, so it never touches the host), the client's LAN behind the router, FRR or
 * BIRD as the router, and in each node a plain BGP speaker process (route-announcer.ts). Tests of
 * the harness itself and the router benchmarks use it; the walkthrough runs the real speakers.
 */
import { createLab, type Lab, LabBridgeMode } from '../create-lab.ts';
import type { LabHost } from '../lab-host.ts';
import { bgpLabAddresses, nodeAsn, routerAsn } from './bgp-addresses.ts';
import { startBirdRouter } from './bird-router.ts';
import { type ClientLan, createClientLan } from './client-lan.ts';
import { startFrrRouter } from './frr-router.ts';
import type { LabRouter, RouterBfd, RouterKind } from './lab-router.ts';
import { type RouteAnnouncer, spawnRouteAnnouncer } from './route-announcer.ts';

export const harnessNodeNames = ['m1', 'w1', 'w2'] as const;

export type HarnessOptions = {
  readonly router: RouterKind;
  readonly bfd?: RouterBfd;
  readonly holdTimeSeconds?: number;
  /** Extra routers' hosts on the node LAN (the bench's second router); default none. */
  readonly extraRouters?: number;
};

export type HarnessLab = {
  readonly lab: Lab;
  readonly nodes: readonly LabHost[];
  readonly routerHosts: readonly LabHost[];
  readonly routers: readonly LabRouter[];
  readonly clientLan: ClientLan;
  /** Starts the plain speaker of `node` (peering with every router) and waits for its sessions. */
  startAnnouncer(node: LabHost): Promise<RouteAnnouncer>;
  destroy(): Promise<void>;
};

export async function createHarnessLab(options: HarnessOptions): Promise<HarnessLab> {
  const routerLabels = Array.from({ length: 1 + (options.extraRouters ?? 0) }, (_, i) =>
    i === 0 ? 'router' : `router${i + 1}`,
  );
  const lab = await createLab({
    nodes: [...harnessNodeNames, ...routerLabels],
    bridge: LabBridgeMode.namespace,
    ipv4Subnet: bgpLabAddresses.nodeLan,
    ipv6Prefix: bgpLabAddresses.nodeIpv6,
  });
  const nodes = lab.nodes.slice(0, harnessNodeNames.length);
  const routerHosts = lab.nodes.slice(harnessNodeNames.length);
  const routers: LabRouter[] = [];
  let clientLan: ClientLan | undefined;
  const destroy = async () => {
    await Promise.all(routers.map((r) => r.stop()));
    await clientLan?.destroy();
    await lab.destroy();
  };
  try {
    clientLan = await createClientLan(routerHosts[0]!, nodes, {
      subnet: bgpLabAddresses.clientLan,
      poolCidr: bgpLabAddresses.pool,
    });
    const start = options.router === 'frr' ? startFrrRouter : startBirdRouter;
    for (const host of routerHosts) {
      routers.push(
        await start(host, {
          asn: routerAsn,
          address: host.ipv4,
          neighbors: nodes.map((n) => ({ address: n.ipv4, asn: nodeAsn, name: n.name })),
          ...(options.bfd === undefined ? {} : { bfd: options.bfd }),
          ...(options.holdTimeSeconds === undefined ? {} : { holdTimeSeconds: options.holdTimeSeconds }),
        }),
      );
    }
    return {
      lab,
      nodes,
      routerHosts,
      routers,
      clientLan,
      async startAnnouncer(node) {
        const announcer = spawnRouteAnnouncer(node, {
          asn: nodeAsn,
          peers: routerHosts.map((r) => ({ address: r.ipv4, asn: routerAsn })),
          ...(options.bfd === undefined ? {} : { bfd: options.bfd }),
          ...(options.holdTimeSeconds === undefined ? {} : { holdTimeSeconds: options.holdTimeSeconds }),
        });
        for (const r of routerHosts) await announcer.waitForLine(new RegExp(`^established ${r.ipv4}$`));
        return announcer;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
