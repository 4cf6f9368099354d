/**
 * Peers that one node runs must agree (MetalLB's native-mode rules, per node through the peers'
 * nodeSelectors): one router ID for the node (RFC 4271 section 4.2: a speaker has one BGP
 * Identifier), one myASN per VRF, and no two sessions to the same address and port in a VRF.
 * Peers are taken oldest first; a newer peer that disagrees with an older one on some node is not
 * run on that node, and both peers say so. Everywhere else it runs.
 */
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { ResolvedBgpPeer } from './resolve-bgp-peers.ts';

function disagreement(older: ResolvedBgpPeer, newer: ResolvedBgpPeer): string | undefined {
  if ((older.routerID ?? '') !== (newer.routerID ?? ''))
    return `router ID ${newer.routerID ?? '(unset)'} vs ${older.routerID ?? '(unset)'}`;
  if (older.vrf !== newer.vrf) return undefined;
  if (older.myASN !== newer.myASN) return `myASN ${newer.myASN} vs ${older.myASN} in one VRF`;
  const target = (peer: ResolvedBgpPeer) => `${peer.peerAddress ?? peer.interface}:${peer.peerPort}`;
  if (target(older) === target(newer)) return `both open a session to ${target(newer)}`;
  return undefined;
}

export function settlePeerNodeConflicts(
  peers: readonly ResolvedBgpPeer[],
  problems: ConfigProblem[],
): ResolvedBgpPeer[] {
  const running = new Map<string, ResolvedBgpPeer[]>();
  const settled: ResolvedBgpPeer[] = [];
  for (const peer of peers) {
    const kept: string[] = [];
    const lost = new Map<string, { older: ResolvedBgpPeer; why: string; nodes: string[] }>();
    for (const node of peer.nodes) {
      const others = running.get(node) ?? [];
      const conflict = others
        .map((older) => ({ older, why: disagreement(older, peer) }))
        .find((candidate) => candidate.why !== undefined);
      if (conflict === undefined) {
        kept.push(node);
        running.set(node, [...others, peer]);
        continue;
      }
      const entry = lost.get(conflict.older.name) ?? {
        older: conflict.older,
        why: conflict.why ?? '',
        nodes: [],
      };
      entry.nodes.push(node);
      lost.set(conflict.older.name, entry);
    }
    for (const { older, why, nodes } of lost.values()) {
      const list = nodes.join(', ');
      problems.push({
        severity: 'warning',
        code: ConfigProblemCode.peerNodeConflict,
        object: { kind: 'BGPPeer', name: peer.name },
        field: 'spec.nodeSelectors',
        message: `peer "${peer.name}" does not run on ${list}: it conflicts with the older peer "${older.name}" there (${why})`,
        related: { kind: 'BGPPeer', name: older.name },
      });
      problems.push({
        severity: 'warning',
        code: ConfigProblemCode.peerNodeConflict,
        object: { kind: 'BGPPeer', name: older.name },
        field: 'spec.nodeSelectors',
        message: `peer "${older.name}": the newer peer "${peer.name}" conflicts with it on ${list} (${why}) and does not run there`,
        related: { kind: 'BGPPeer', name: peer.name },
      });
    }
    settled.push(lost.size === 0 ? peer : { ...peer, nodes: kept });
  }
  return settled;
}
