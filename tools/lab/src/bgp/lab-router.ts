/**
 * A real router in a lab namespace, peering with every node: FRR (zebra, bgpd, bfdd) or BIRD 2.
 * Both install the routes they learn into the namespace's kernel table with every equal-cost next
 * hop (ECMP), and both are read back through their own CLI in one normalized shape.
 */
import type { ChildProcess } from 'node:child_process';

export const RouterKind = { frr: 'frr', bird: 'bird' } as const;
export type RouterKind = (typeof RouterKind)[keyof typeof RouterKind];

export type RouterNeighbor = {
  /** The node's address on the node LAN. */
  readonly address: string;
  readonly asn: number;
  /** Display name in the printouts (m1, w1). */
  readonly name: string;
};

export type RouterBfd = {
  /** receive-interval = transmit-interval, ms (a BFDProfile's values). */
  readonly intervalMs: number;
  readonly multiplier: number;
};

export type RouterConfig = {
  readonly asn: number;
  /** The router's address on the node LAN: its router ID and the session source. */
  readonly address: string;
  readonly neighbors: readonly RouterNeighbor[];
  /** BFD on every session with these timers; none: sessions rely on the hold time. */
  readonly bfd?: RouterBfd;
  /** Proposed hold time, s (default 90, as FRR and BIRD). */
  readonly holdTimeSeconds?: number;
};

/** One prefix in the router's BGP table: the next hop of every path it holds. */
export type RibEntry = { readonly prefix: string; readonly nextHops: readonly string[] };

export type SessionState = 'established' | 'down';

export interface LabRouter {
  readonly kind: RouterKind;
  /** Its processes (zebra, bgpd, bfdd / bird). */
  readonly processes: readonly ChildProcess[];
  /** Neighbor address → whether the BGP session is Established. */
  sessions(): Promise<ReadonlyMap<string, SessionState>>;
  /** BFD peer address → 'up' or 'down' (empty without BFD). */
  bfdPeers(): Promise<ReadonlyMap<string, 'up' | 'down'>>;
  /** The IPv4 BGP table: every prefix with the next hops of all its paths. */
  routes(): Promise<ReadonlyMap<string, readonly string[]>>;
  /** The table as a user sees it: the command (`vtysh -c "show bgp ipv4 unicast"`) and its output. */
  showRoutes(): Promise<{ readonly command: string; readonly output: string }>;
  /** The same command with this router's control socket, to type in a shell. */
  readonly showCommand: string;
  /** Stops its processes and removes its directory. */
  stop(): Promise<void>;
}
