/**
 * A resolved BGPPeer → the options of one @baremetal-lb/bgp session, or why this speaker cannot
 * run it (FRR-only features we do not implement). Pure. The fingerprint tells a changed peer
 * (closed and reopened) from an unchanged one (left alone), as MetalLB deep-compares peers.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { crc32 } from 'node:zlib';
import type { PeerOptions } from '@baremetal-lb/bgp';
import type { ResolvedBfdProfile, ResolvedBgpPeer } from '@baremetal-lb/config';
import { formatIpv4 } from '@baremetal-lb/ipam';

/** RFC 4724 restart time announced with enableGracefulRestart, s (MetalLB's FRR template: 120). */
export const GRACEFUL_RESTART_SECONDS = 120;

export type PeerSessionOptions = {
  /** Our AS and BGP Identifier: sessions sharing both share one BgpSpeaker. */
  readonly myAsn: number;
  readonly routerId: string;
  readonly options: PeerOptions;
  readonly bfd: ResolvedBfdProfile | undefined;
  /** Equal for equal settings: an unchanged peer keeps its session. */
  readonly fingerprint: string;
};

export type Unsupported = { readonly unsupported: string };

/**
 * `nodeAddresses` are this node's InternalIPs: the router ID falls back to the first IPv4 one,
 * then to CRC32(node name) (MetalLB's order after routerID and the session's local address, which
 * is not known before the session connects); next hops of the other family come from them.
 */
export function peerSessionOptions(
  peer: ResolvedBgpPeer,
  nodeName: string,
  nodeAddresses: readonly string[],
): PeerSessionOptions | Unsupported {
  if (peer.peerAddress === undefined)
    return { unsupported: 'BGP unnumbered (spec.interface) is not supported' };
  if (peer.vrf !== '') return { unsupported: 'spec.vrf is not supported' };
  if (peer.localASN !== undefined && peer.localASN !== peer.myASN)
    return { unsupported: 'spec.localASN is not supported' };
  const peerAsn = peer.peerASN ?? (peer.dynamicASN === 'internal' ? peer.myASN : undefined);
  if (peerAsn === undefined) return { unsupported: 'dynamicASN external is not supported' };
  const v4 = isIPv4(peer.peerAddress);
  const ipv4Address = nodeAddresses.find((a) => isIPv4(a));
  const ipv6Address = nodeAddresses.find((a) => isIPv6(a));
  const routerId = peer.routerID ?? ipv4Address ?? formatIpv4(crc32(nodeName) || 1);
  // A session carries its own family; both with dualStackAddressFamily (MP-BGP, RFC 4760).
  const ipv4 = v4 || peer.dualStackAddressFamily;
  const ipv6 = !v4 || peer.dualStackAddressFamily;
  const options: PeerOptions = {
    peerAddress: peer.peerAddress,
    peerPort: peer.peerPort,
    peerAsn,
    ...(peer.sourceAddress === undefined ? {} : { localAddress: peer.sourceAddress }),
    ...(peer.authentication.kind === 'password' ? { password: peer.authentication.password } : {}),
    holdTimeSeconds: Math.round(peer.holdTimeMs / 1000),
    keepaliveSeconds: Math.floor(peer.keepaliveTimeMs / 1000),
    ...(peer.connectTimeMs === undefined
      ? {}
      : { connectRetrySeconds: Math.max(1, Math.round(peer.connectTimeMs / 1000)) }),
    ...(peer.ebgpMultiHop && !peer.internal ? { ttl: 255 } : {}),
    ipv4,
    ipv6,
    ...(ipv6 && v4 && ipv6Address !== undefined ? { nextHopIpv6: ipv6Address } : {}),
    ...(ipv4 && !v4 && ipv4Address !== undefined ? { nextHopIpv4: ipv4Address } : {}),
    ...(peer.enableGracefulRestart
      ? { gracefulRestart: { restartTimeSeconds: GRACEFUL_RESTART_SECONDS } }
      : {}),
  };
  const fingerprint = JSON.stringify([peer.myASN, routerId, options, peer.bfd ?? null]);
  return { myAsn: peer.myASN, routerId, options, bfd: peer.bfd, fingerprint };
}
