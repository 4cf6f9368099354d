/** What one BGP neighbor is configured with, validated and defaulted (MetalLB's BGPPeer fields and more). */
import { isIP, isIPv4 } from 'node:net';
import { requireConfig } from './bgp-error.ts';

export type PeerOptions = {
  readonly peerAddress: string;
  /** Default 179. */
  readonly peerPort?: number;
  readonly peerAsn: number;
  /** Source address to bind; default the kernel's choice. */
  readonly localAddress?: string;
  /** RFC 2385 TCP MD5 password (at most 80 bytes). */
  readonly password?: string;
  /** Proposed hold time: 0 or 3..65535 s; default 90 (RFC 4271 section 10). */
  readonly holdTimeSeconds?: number;
  /** Default a third of the negotiated hold time. */
  readonly keepaliveSeconds?: number;
  /** ConnectRetryTime: the longest a connect may take; default 10 s (MetalLB's dial timeout). */
  readonly connectRetrySeconds?: number;
  /** Only wait for the peer to connect. */
  readonly passive?: boolean;
  /**
   * TTL / hop limit we send with: default 1 to an external peer (single hop; raise it for
   * eBGP multihop), 64 to an internal one.
   */
  readonly ttl?: number;
  /** GTSM (RFC 5082): drop the peer's segments arriving with a lower TTL (255 - hops + 1 with ttl 255). */
  readonly minTtl?: number;
  /** Next hops when a route sets none; default the session's local address of that family. */
  readonly nextHopIpv4?: string;
  readonly nextHopIpv6?: string;
  /** Families to negotiate; default both. */
  readonly ipv4?: boolean;
  readonly ipv6?: boolean;
  /** RFC 4724: advertise graceful restart; `restarting` sets the R bit after our own restart. */
  readonly gracefulRestart?: { readonly restartTimeSeconds: number; readonly restarting?: boolean };
  /** Automatic restart backoff; default 1 s doubling to 120 s (MetalLB's native backoff). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
};

export type ResolvedPeerOptions = Required<
  Pick<
    PeerOptions,
    | 'peerAddress'
    | 'peerPort'
    | 'peerAsn'
    | 'holdTimeSeconds'
    | 'connectRetrySeconds'
    | 'passive'
    | 'ttl'
    | 'ipv4'
    | 'ipv6'
    | 'backoff'
  >
> &
  Omit<
    PeerOptions,
    'peerPort' | 'holdTimeSeconds' | 'connectRetrySeconds' | 'passive' | 'ttl' | 'ipv4' | 'ipv6' | 'backoff'
  >;

const isAsn = (value: number) => Number.isInteger(value) && value >= 1 && value <= 0xffffffff;
const isTtl = (value: number | undefined) =>
  value === undefined || (Number.isInteger(value) && value >= 1 && value <= 255);

/** Validates `options` for a speaker of `localAsn`; throws ERR_BGP_INVALID_CONFIG naming the field. */
export function resolvePeerOptions(options: PeerOptions, localAsn: number): ResolvedPeerOptions {
  requireConfig(
    isIP(options.peerAddress) !== 0,
    'peerAddress',
    `"${options.peerAddress}" is not an IP address`,
  );
  requireConfig(isAsn(options.peerAsn), 'peerAsn', `${options.peerAsn} is not 1..4294967295`);
  const peerPort = options.peerPort ?? 179;
  requireConfig(Number.isInteger(peerPort) && peerPort >= 1 && peerPort <= 65535, 'peerPort', `${peerPort}`);
  const hold = options.holdTimeSeconds ?? 90;
  requireConfig(
    Number.isInteger(hold) && (hold === 0 || (hold >= 3 && hold <= 65535)),
    'holdTimeSeconds',
    `${hold} is not 0 or 3..65535`,
  );
  const keepalive = options.keepaliveSeconds;
  requireConfig(
    keepalive === undefined || (Number.isInteger(keepalive) && keepalive >= 0 && keepalive <= hold),
    'keepaliveSeconds',
    `${keepalive} is not 0..holdTimeSeconds`,
  );
  const connectRetrySeconds = options.connectRetrySeconds ?? 10;
  requireConfig(
    connectRetrySeconds > 0 && connectRetrySeconds <= 65535,
    'connectRetrySeconds',
    `${connectRetrySeconds}`,
  );
  requireConfig(isTtl(options.ttl), 'ttl', `${options.ttl} is not 1..255`);
  requireConfig(isTtl(options.minTtl), 'minTtl', `${options.minTtl} is not 1..255`);
  requireConfig(
    options.localAddress === undefined || isIP(options.localAddress) === isIP(options.peerAddress),
    'localAddress',
    'must be of the peer address family',
  );
  requireConfig(
    options.nextHopIpv4 === undefined || isIPv4(options.nextHopIpv4),
    'nextHopIpv4',
    `${options.nextHopIpv4}`,
  );
  requireConfig(
    options.nextHopIpv6 === undefined || isIP(options.nextHopIpv6) === 6,
    'nextHopIpv6',
    `${options.nextHopIpv6}`,
  );
  requireConfig(
    options.password === undefined || Buffer.byteLength(options.password) <= 80,
    'password',
    'TCP MD5 keys hold at most 80 bytes',
  );
  const gr = options.gracefulRestart;
  requireConfig(
    gr === undefined ||
      (Number.isInteger(gr.restartTimeSeconds) &&
        gr.restartTimeSeconds >= 0 &&
        gr.restartTimeSeconds <= 4095),
    'gracefulRestart.restartTimeSeconds',
    'is not 0..4095',
  );
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 120_000 };
  requireConfig(
    backoff.initialMs > 0 && backoff.maxMs >= backoff.initialMs,
    'backoff',
    'needs 0 < initialMs <= maxMs',
  );
  const ibgp = options.peerAsn === localAsn;
  return {
    ...options,
    peerPort,
    holdTimeSeconds: hold,
    connectRetrySeconds,
    passive: options.passive ?? false,
    ttl: options.ttl ?? (ibgp ? 64 : 1),
    ipv4: options.ipv4 ?? true,
    ipv6: options.ipv6 ?? true,
    backoff,
  };
}
