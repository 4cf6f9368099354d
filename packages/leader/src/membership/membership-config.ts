import { LeaderError, LeaderErrorCode } from '../leader-error.ts';

/**
 * Every tunable of the membership protocol. Defaults ({@link defaultMembershipConfig}) target a
 * switched LAN (round trip well under 1 ms, loss under 1%) and detect a hard-killed node in well under
 * a second; the README derives the detection time from them.
 */
export type MembershipConfig = {
  /**
   * Time between two probes sent by one member, in ms. Each member probes one peer per interval in
   * a shuffled round robin, so every peer is probed by someone about once per interval; the time from
   * a death to its first probe is about one interval on average and under 4.6 intervals at p99.
   * 50 ms keeps the probe traffic near 2 kB/s per member while leaving room for the rest of the
   * sub-second budget.
   */
  readonly probeIntervalMs: number;
  /**
   * How long to wait for a direct ack before asking others to probe indirectly, in ms. A LAN round
   * trip is ~0.2 ms; the rest is slack for a busy event loop on the target. Must be < probeIntervalMs.
   */
  readonly probeTimeoutMs: number;
  /** Members asked to probe indirectly (ping-req) when the direct probe fails. 3 as in SWIM/memberlist. */
  readonly indirectChecks: number;
  /**
   * Lifeguard suspicion timeout floor for a 10-member cluster, in ms; scaled by max(1, log10(n)) for n
   * members because refuting needs ~log(n) gossip rounds. Reached once `suspicionConfirmations`
   * independent members confirm. 200 ms gives a suspected but healthy member ~10 gossip rounds to refute.
   */
  readonly suspicionMinMs: number;
  /** Suspicion timeout with no confirmation = suspicionMaxMultiplier × the floor. */
  readonly suspicionMaxMultiplier: number;
  /** Independent suspicions that shrink the timeout to its floor (Lifeguard's K); capped at n − 2. */
  readonly suspicionConfirmations: number;
  /**
   * Time between gossip rounds, in ms. A round sends pending updates to `gossipFanout` random members
   * and is skipped when nothing is pending, so it costs nothing when the cluster is stable.
   */
  readonly gossipIntervalMs: number;
  /** Members each gossip round sends to. */
  readonly gossipFanout: number;
  /**
   * Each update is sent retransmitMultiplier × ceil(log10(n + 1)) times (piggy-backed or gossiped),
   * which reaches all members with high probability (epidemic spread, as in memberlist).
   */
  readonly retransmitMultiplier: number;
  /**
   * Time between full-state exchanges with one random member, in ms. Repairs anything gossip lost;
   * 15 s costs ~0.3 kB/s per member at 100 members.
   */
  readonly syncIntervalMs: number;
  /**
   * Time between attempts to reach a member we consider dead (or a seed we cannot see), in ms. A
   * reply proves a partition healed and triggers a full-state exchange; 1 s bounds healing time.
   */
  readonly reconnectIntervalMs: number;
  /** How long a dead or left member stays in the view (as a tombstone) before it is forgotten, in ms. */
  readonly deadRetentionMs: number;
  /** After broadcasting a graceful leave, how long to keep answering before closing, in ms. */
  readonly leaveFlushMs: number;
  /** Largest datagram sent or accepted, in bytes; 1400 fits an Ethernet MTU without fragmentation. */
  readonly maxPacketBytes: number;
  /**
   * Lifeguard local-health ceiling: a member that misses acks scales its probe interval and timeout by
   * up to (1 + awarenessMax), so a slow member stops accusing healthy ones.
   */
  readonly awarenessMax: number;
};

/** LAN defaults; see each field for unit and rationale. */
export const defaultMembershipConfig: MembershipConfig = Object.freeze({
  probeIntervalMs: 50,
  probeTimeoutMs: 20,
  indirectChecks: 3,
  suspicionMinMs: 200,
  suspicionMaxMultiplier: 3,
  suspicionConfirmations: 3,
  gossipIntervalMs: 20,
  gossipFanout: 3,
  retransmitMultiplier: 4,
  syncIntervalMs: 15_000,
  reconnectIntervalMs: 1_000,
  deadRetentionMs: 600_000,
  leaveFlushMs: 50,
  maxPacketBytes: 1_400,
  awarenessMax: 8,
});

/** `defaultMembershipConfig` with `overrides` applied, validated; throws `ERR_LEADER_INVALID_CONFIG`. */
export function resolveMembershipConfig(overrides: Partial<MembershipConfig> = {}): MembershipConfig {
  const config = { ...defaultMembershipConfig, ...overrides };
  for (const [field, value] of Object.entries(config)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalid(field, value, 'a finite number >= 0');
    }
  }
  if (config.probeIntervalMs <= 0) throw invalid('probeIntervalMs', config.probeIntervalMs, '> 0');
  if (config.probeTimeoutMs <= 0 || config.probeTimeoutMs >= config.probeIntervalMs) {
    throw invalid(
      'probeTimeoutMs',
      config.probeTimeoutMs,
      `> 0 and < probeIntervalMs (${config.probeIntervalMs})`,
    );
  }
  if (config.gossipIntervalMs <= 0) throw invalid('gossipIntervalMs', config.gossipIntervalMs, '> 0');
  if (config.suspicionMaxMultiplier < 1) {
    throw invalid('suspicionMaxMultiplier', config.suspicionMaxMultiplier, '>= 1');
  }
  if (config.maxPacketBytes < 512 || config.maxPacketBytes > 65_507) {
    throw invalid('maxPacketBytes', config.maxPacketBytes, 'between 512 and 65507');
  }
  for (const field of ['syncIntervalMs', 'reconnectIntervalMs'] as const) {
    if (config[field] <= 0) throw invalid(field, config[field], '> 0');
  }
  return Object.freeze(config);
}

function invalid(field: string, value: unknown, want: string): LeaderError {
  return new LeaderError(
    LeaderErrorCode.invalidConfig,
    `membership config "${field}" is ${String(value)}; need ${want}`,
    { field, value },
  );
}

/** Lifeguard suspicion timeout bounds for a cluster of `members`, in ms. */
export function suspicionBoundsMs(
  config: MembershipConfig,
  members: number,
): { minMs: number; maxMs: number } {
  const minMs = config.suspicionMinMs * Math.max(1, Math.log10(Math.max(1, members)));
  return { minMs, maxMs: minMs * config.suspicionMaxMultiplier };
}

/** Retransmissions per update for a cluster of `members`. */
export function retransmitLimit(config: MembershipConfig, members: number): number {
  return config.retransmitMultiplier * Math.ceil(Math.log10(members + 1));
}

/**
 * Time from a hard kill until every other member marks the victim dead, at quantile `quantile` (for
 * example 0.99), for `members` members with negligible network delay and no loss:
 *
 *   T(n) = F(n) + I + S_min(n) + G · ceil(log_f(n))
 *
 * - F(n) = (n − 1) · I · (1 − (1 − quantile)^(1/(n − 1))): until some member probes the victim. Each of
 *   the n − 1 others probes it once per round of n − 1 intervals at an independent phase, so the
 *   wait is the minimum of n − 1 uniform draws; F(n) approaches I · ln(1 / (1 − quantile)) (4.6 I at
 *   p99) as n grows, so it hardly depends on cluster size.
 * - I = probeIntervalMs: the direct probe and the indirect ping-reqs both fit in one interval.
 * - S_min(n) = suspicionMinMs · max(1, log10 n): the suspicion timeout once confirmed. Members that
 *   hear a suspicion probe the suspect themselves, so confirmations arrive within a probe timeout and
 *   the timeout shrinks to its floor.
 * - G · ceil(log_f n): gossip rounds (gossipIntervalMs, fanout f) to spread the death to everyone.
 */
export function detectionTimeMs(config: MembershipConfig, members: number, quantile: number): number {
  const n = Math.max(2, members);
  const i = config.probeIntervalMs;
  const firstProbe = (n - 1) * i * (1 - (1 - quantile) ** (1 / (n - 1)));
  const gossipRounds = Math.ceil(Math.log(n) / Math.log(Math.max(2, config.gossipFanout)));
  return firstProbe + i + suspicionBoundsMs(config, n).minMs + config.gossipIntervalMs * gossipRounds;
}
