/**
 * The BGP e2e lab: speaker-lab.ts's namespaces, API server and speakers, plus FRR bgpd in the
 * `peer` namespace (packages/bgp's interop helper) peering with the speaker of the first node,
 * the IP pool the tests announce from, and readers of FRR's view (vtysh JSON).
 */
import type { LabHost } from '@baremetal-lb/lab';
import { type FrrRouter, startFrr } from '../../../../packages/bgp/tests/frr-router.ts';
import type { RouterOptions } from '../../../../packages/bgp/tests/router-process.ts';
import { createMetallbObject, createSpeakerLab, metallbPath, type SpeakerLab } from './speaker-lab.ts';

export const ASN = 64512;
/** Service IPs from the benchmarking range: they exist only as routes inside the lab. */
export const POOL = '198.18.100.0/24';

/** What FRR says about its neighbor (`show bgp neighbors X json`), the fields the tests read. */
export type Neighbor = {
  readonly bgpState?: string;
  readonly connectionsEstablished?: number;
  readonly messageStats?: { readonly updatesRecv?: number };
  readonly lastResetDueTo?: string;
};

export type BgpLab = {
  readonly t: SpeakerLab;
  /** The node whose speaker peers with FRR (nodea). */
  readonly node: LabHost;
  readonly router: FrrRouter;
  neighbor(): Promise<Neighbor>;
  /** Whether FRR has a path for `prefix` (one prefix looked up alone, cheaper than the whole RIB). */
  hasPath(prefix: string): Promise<boolean>;
  metrics(): Promise<string>;
  createBgpPeer(name: string, spec: object): Promise<unknown>;
  destroy(): Promise<void>;
};

/** The lab with FRR (iBGP, AS 64512) and IPAddressPool `bgp-pool`; no BGPPeer or advertisement yet. */
export async function createBgpLab(frr: Partial<RouterOptions> = {}): Promise<BgpLab> {
  const t = await createSpeakerLab();
  try {
    const node = t.nodes[0]!;
    const router = await startFrr(t.peer, {
      routerAsn: ASN,
      local: t.peer.ipv4,
      peer: node.ipv4,
      peerAsn: ASN,
      holdTimeSeconds: 9,
      ...frr,
    });
    await createMetallbObject(t, 'ipaddresspools', {
      kind: 'IPAddressPool',
      metadata: { name: 'bgp-pool' },
      spec: { addresses: [POOL] },
    });
    return {
      t,
      node,
      router,
      neighbor: async () =>
        (JSON.parse(await router.vtysh(`show bgp neighbors ${node.ipv4} json`)) as Record<string, Neighbor>)[
          node.ipv4
        ] ?? {},
      hasPath: async (prefix) =>
        (
          (JSON.parse(await router.vtysh(`show bgp ipv4 unicast ${prefix} json`)) as { paths?: unknown[] })
            .paths ?? []
        ).length > 0,
      metrics: async () => (await fetch(`http://${node.ipv4}:7472/metrics`)).text(),
      createBgpPeer: (name, spec) =>
        t.kube.request('POST', metallbPath('bgppeers', undefined, 'v1beta2'), {
          body: { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name }, spec },
        }),
      async destroy() {
        await router.stop();
        await t.destroy();
      },
    };
  } catch (error) {
    await t.destroy();
    throw error;
  }
}
