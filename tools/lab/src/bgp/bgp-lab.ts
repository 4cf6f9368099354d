/**
 * The BGP lab: the quick start's cluster (real API server, controller, a speaker per node, nodes
 * m1, w1, w2) on the node LAN 198.18.110.0/24 with a router namespace beside the nodes (.14), the
 * client's LAN behind the router, and FRR or BIRD 2 as the router peering with every node, its
 * kernel table watched. The walkthrough and its e2e test run on it.
 */
import type { LabHost } from '../lab-host.ts';
import {
  type QuickstartCluster,
  type QuickstartOptions,
  startQuickstartCluster,
} from '../quickstart/quickstart-cluster.ts';
import { bgpLabAddresses, nodeAsn, routerAsn } from './bgp-addresses.ts';
import { startBirdRouter } from './bird-router.ts';
import { type ClientLan, createClientLan } from './client-lan.ts';
import { startFrrRouter } from './frr-router.ts';
import { type KernelRouteWatch, watchKernelRoutes } from './kernel-routes.ts';
import type { LabRouter, RouterBfd, RouterKind } from './lab-router.ts';

export type BgpLabOptions = Pick<QuickstartOptions, 'log' | 'launcher'> & {
  readonly router?: RouterKind;
  /** The router's BFD timers (the BFDProfile's); default 50 ms × 3. */
  readonly bfd?: RouterBfd;
  /**
   * Namespaces for more routers on the node LAN (router2 at .15, ...), where the caller may start
   * one with `startRouterOn`; default none.
   */
  readonly spareRouterHosts?: number;
};

export type BgpLab = {
  readonly cluster: QuickstartCluster;
  readonly clientLan: ClientLan;
  /** The router's namespace. */
  readonly routerHost: LabHost;
  /** The running router (replaced by `replaceRouter`). */
  readonly router: LabRouter;
  /** The router's kernel table, watched from the start. */
  readonly routes: KernelRouteWatch;
  /** Brings a node that was cut off back: link up, its routes, its speaker (if it is not running). */
  reviveNode(name: string): Promise<void>;
  /** Stops the router and starts one of `kind` in its place, with the same neighbors. */
  replaceRouter(kind: RouterKind): Promise<LabRouter>;
  /** The spare router namespaces (`spareRouterHosts`). */
  readonly spareRouterHosts: readonly LabHost[];
  /** Starts a router of `kind` like the first one (same ASN, neighbors and BFD) on `host`; stopped by destroy(). */
  startRouterOn(host: LabHost, kind: RouterKind): Promise<LabRouter>;
  destroy(): Promise<void>;
};

export async function startBgpLab(options: BgpLabOptions = {}): Promise<BgpLab> {
  const cluster = await startQuickstartCluster({
    ...options,
    ipv4Subnet: bgpLabAddresses.nodeLan,
    ipv6Prefix: bgpLabAddresses.nodeIpv6,
    extraHosts: [
      'router',
      ...Array.from({ length: options.spareRouterHosts ?? 0 }, (_, i) => `router${i + 2}`),
    ],
  });
  const routerHost = cluster.extraHosts[0]!;
  let router: LabRouter | undefined;
  const spareRouters: LabRouter[] = [];
  let routes: KernelRouteWatch | undefined;
  let clientLan: ClientLan | undefined;
  const destroy = async () => {
    routes?.stop();
    await Promise.all([router, ...spareRouters].map((r) => r?.stop()));
    await clientLan?.destroy();
    await cluster.destroy();
  };
  const startRouter = (kind: RouterKind, host = routerHost) =>
    (kind === 'frr' ? startFrrRouter : startBirdRouter)(host, {
      asn: routerAsn,
      address: host.ipv4,
      neighbors: cluster.nodes.map((n) => ({ address: n.host.ipv4, asn: nodeAsn, name: n.name })),
      bfd: options.bfd ?? { intervalMs: 50, multiplier: 3 },
    });
  try {
    clientLan = await createClientLan(
      routerHost,
      cluster.nodes.map((n) => n.host),
      { subnet: bgpLabAddresses.clientLan, poolCidr: bgpLabAddresses.pool },
    );
    routes = await watchKernelRoutes(routerHost);
    router = await startRouter(options.router ?? 'frr');
    const lab: BgpLab = {
      cluster,
      clientLan,
      routerHost,
      get router() {
        return router!;
      },
      routes,
      async reviveNode(name) {
        const node = cluster.nodes.find((n) => n.name === name)!;
        await node.host.exec('ip', ['link', 'set', node.host.ifname, 'up']);
        await clientLan!.routeBack(node.host);
        if (cluster.speakers.get(name)?.exited !== false) await cluster.restartSpeaker(name);
      },
      async replaceRouter(kind) {
        await router?.stop();
        router = undefined;
        router = await startRouter(kind);
        return router;
      },
      spareRouterHosts: cluster.extraHosts.slice(1),
      async startRouterOn(host, kind) {
        const started = await startRouter(kind, host);
        spareRouters.push(started);
        return started;
      },
      destroy,
    };
    return lab;
  } catch (error) {
    await destroy();
    throw error;
  }
}
