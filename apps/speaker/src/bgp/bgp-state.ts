/**
 * What BGP mode reads, as plain data: the cluster view layer 2 also reads (Nodes, Services with
 * their pool and endpoints) plus BGPPeers and BGPAdvertisements as packages/config resolves them
 * (nodes, pools, peers, communities and aliases resolved; cross-object conflicts settled).
 */
import type { ResolvedBgpAdvertisement, ResolvedBgpPeer } from '@baremetal-lb/config';
import type { NodeView, ServiceView } from '../layer2/election/speaker-state.ts';

export type BgpState = {
  readonly nodes: ReadonlyMap<string, NodeView>;
  /** LoadBalancer Services this speaker handles (class already filtered). */
  readonly services: readonly ServiceView[];
  readonly peers: readonly ResolvedBgpPeer[];
  readonly advertisements: readonly ResolvedBgpAdvertisement[];
};
