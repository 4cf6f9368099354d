/**
 * The OPEN we send and what the two OPENs negotiate (RFC 4271 section 4.2 and 10, RFC 4760
 * section 8, RFC 5492, RFC 6793, RFC 2918, RFC 4724).
 */
import {
  Afi,
  AS_TRANS,
  type Capability,
  type GracefulRestartCapability,
  MessageType,
  type OpenMessage,
  openAsn,
  openCapabilities,
  Safi,
} from '@baremetal-lb/bgp-wire';

export type OpenOptions = {
  readonly localAsn: number;
  readonly routerId: number;
  readonly holdTimeSeconds: number;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
  /** RFC 4724: advertise graceful restart with this Restart Time; `restarting` sets the R bit. */
  readonly gracefulRestart?: { readonly restartTimeSeconds: number; readonly restarting: boolean };
};

/** Our OPEN: MP for the configured families, route refresh, 4-octet AS, graceful restart if asked. */
export function buildOpen(options: OpenOptions): OpenMessage {
  const families = [
    ...(options.ipv4 ? [{ afi: Afi.ipv4, safi: Safi.unicast }] : []),
    ...(options.ipv6 ? [{ afi: Afi.ipv6, safi: Safi.unicast }] : []),
  ];
  const capabilities: Capability[] = [
    ...families.map((f) => ({ kind: 'multiprotocol' as const, ...f })),
    { kind: 'routeRefresh' },
    { kind: 'fourOctetAs', asn: options.localAsn },
  ];
  const gr = options.gracefulRestart;
  if (gr !== undefined) {
    capabilities.push({
      kind: 'gracefulRestart',
      restarting: gr.restarting,
      // RFC 8538's N bit is not claimed: a NOTIFICATION ends the session outright.
      notification: false,
      restartTimeSeconds: gr.restartTimeSeconds,
      // F bit: the forwarding state (the Service IPs on the node) survives our restart.
      families: families.map((f) => ({ ...f, forwardingPreserved: true })),
    });
  }
  return {
    type: MessageType.open,
    myAs: options.localAsn > 0xffff ? AS_TRANS : options.localAsn,
    holdTime: options.holdTimeSeconds,
    bgpIdentifier: options.routerId,
    parameters: [{ kind: 'capabilities', capabilities }],
  };
}

export type Negotiated = {
  /** min(ours, theirs): 0 (no keepalives, no hold timer) or at least 3 (RFC 4271 section 4.2). */
  readonly holdTimeSeconds: number;
  /** The KEEPALIVE interval; 0 when the hold time is 0. */
  readonly keepaliveMs: number;
  readonly fourOctetAs: boolean;
  readonly ipv4Unicast: boolean;
  readonly ipv6Unicast: boolean;
  readonly routeRefresh: boolean;
  /** The peer's graceful restart capability, when it sent one. */
  readonly peerGracefulRestart: GracefulRestartCapability | undefined;
  readonly peerAsn: number;
  readonly peerRouterId: number;
};

const hasFamily = (caps: readonly Capability[], afi: number) =>
  caps.some((c) => c.kind === 'multiprotocol' && c.afi === afi && c.safi === Safi.unicast);

/**
 * What the session uses: `keepaliveSeconds` (when configured) is capped at a third of the
 * negotiated hold time, as RFC 4271 section 10 suggests.
 */
export function negotiate(ours: OpenMessage, theirs: OpenMessage, keepaliveSeconds?: number): Negotiated {
  const our = openCapabilities(ours);
  const their = openCapabilities(theirs);
  const holdTimeSeconds = Math.min(ours.holdTime, theirs.holdTime);
  const third = Math.floor(holdTimeSeconds / 3);
  const keepalive = keepaliveSeconds === undefined ? third : Math.min(keepaliveSeconds, third);
  // RFC 4760 section 8: a peer without any MP capability speaks IPv4 unicast only.
  const theirMp = their.some((c) => c.kind === 'multiprotocol');
  return {
    holdTimeSeconds,
    keepaliveMs: holdTimeSeconds === 0 ? 0 : Math.max(keepalive, 1) * 1000,
    fourOctetAs: our.some((c) => c.kind === 'fourOctetAs') && their.some((c) => c.kind === 'fourOctetAs'),
    ipv4Unicast: hasFamily(our, Afi.ipv4) && (!theirMp || hasFamily(their, Afi.ipv4)),
    ipv6Unicast: hasFamily(our, Afi.ipv6) && hasFamily(their, Afi.ipv6),
    routeRefresh: their.some((c) => c.kind === 'routeRefresh'),
    peerGracefulRestart: their.find((c): c is GracefulRestartCapability => c.kind === 'gracefulRestart'),
    peerAsn: openAsn(theirs),
    peerRouterId: theirs.bgpIdentifier,
  };
}
