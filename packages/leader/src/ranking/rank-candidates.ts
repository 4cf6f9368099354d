import { hash } from 'node:crypto';
import { LeaderError, LeaderErrorCode } from '../leader-error.ts';

/**
 * A node that may announce an IP. `preference` is the summed weight of the L2Advertisement
 * `preferredNodeSelectors` that match the node (MetalLB); absent means 0.
 */
export type Candidate = {
  readonly node: string;
  readonly preference?: number;
};

/** A candidate is a node name, or a node name with a preference score. */
export type CandidateInput = string | Candidate;

/**
 * The first 30 bits of sha256(node + "#" + ip) as a small integer: orders like the digest itself
 * except on ties, which are then broken with the full digest. Small integers stay unboxed in V8,
 * so a cache of them is cheap.
 */
export type DigestPrefixOf = (node: string, ip: string) => number;

type Keyed = { node: string; preference: number; prefix: number };

/**
 * MetalLB's layer-2 election order for `ip`: preference score descending, then
 * `sha256(node + "#" + ip)` compared bytewise ascending. Every speaker computes this alone from the
 * same inputs, so the first entry is the announcing node everywhere. A node listed twice counts once,
 * with its highest preference. The input is not modified.
 */
export function rankCandidates(candidates: readonly CandidateInput[], ip: string): readonly string[] {
  return rankWith(candidates, ip, digestPrefix);
}

/**
 * The node that announces `ip`: the first of {@link rankCandidates}, found in one pass without
 * sorting. `undefined` when there are no candidates (then nobody announces).
 */
export function electLeader(candidates: readonly CandidateInput[], ip: string): string | undefined {
  return electWith(candidates, ip, digestPrefix);
}

/** sha256(node + "#" + ip), the bytes MetalLB compares. */
export function electionDigest(node: string, ip: string): Buffer {
  return hash('sha256', `${node}#${ip}`, 'buffer');
}

/** {@link DigestPrefixOf} computed afresh every time. */
export function digestPrefix(node: string, ip: string): number {
  return electionDigest(node, ip).readUInt32BE(0) >>> 2;
}

/** rankCandidates with digest prefixes from `prefixOf` (which may cache them). */
export function rankWith(
  candidates: readonly CandidateInput[],
  ip: string,
  prefixOf: DigestPrefixOf,
): string[] {
  const keyed: Keyed[] = [];
  for (const c of collapse(candidates).values()) {
    keyed.push({ node: c.node, preference: c.preference, prefix: prefixOf(c.node, ip) });
  }
  keyed.sort((a, b) => compareKeyed(a, b, ip));
  return keyed.map((k) => k.node);
}

/** electLeader with digest prefixes from `prefixOf` (which may cache them). */
export function electWith(
  candidates: readonly CandidateInput[],
  ip: string,
  prefixOf: DigestPrefixOf,
): string | undefined {
  // No de-duplication needed: a node's lower-preference duplicate can never beat its own best entry.
  let best: Keyed | undefined;
  for (const input of candidates) {
    const c = typeof input === 'string' ? { node: input, preference: 0 } : normalize(input);
    // Hash only candidates that can still win on preference.
    if (best !== undefined && c.preference < best.preference) continue;
    const k = { node: c.node, preference: c.preference, prefix: prefixOf(c.node, ip) };
    if (best === undefined || compareKeyed(k, best, ip) < 0) best = k;
  }
  return best?.node;
}

function collapse(candidates: readonly CandidateInput[]): Map<string, { node: string; preference: number }> {
  const byNode = new Map<string, { node: string; preference: number }>();
  for (const input of candidates) {
    const c = typeof input === 'string' ? { node: input, preference: 0 } : normalize(input);
    const seen = byNode.get(c.node);
    if (seen === undefined || c.preference > seen.preference) byNode.set(c.node, c);
  }
  return byNode;
}

function normalize(c: Candidate): { node: string; preference: number } {
  const preference = c.preference ?? 0;
  if (typeof c.node !== 'string' || !Number.isFinite(preference)) {
    throw new LeaderError(
      LeaderErrorCode.invalidCandidate,
      `candidate "${String(c.node)}" has preference "${String(preference)}"; need a node name and a finite score`,
      { node: c.node, preference },
    );
  }
  return { node: c.node, preference };
}

function compareKeyed(a: Keyed, b: Keyed, ip: string): number {
  if (a.preference !== b.preference) return b.preference - a.preference;
  if (a.prefix !== b.prefix) return a.prefix - b.prefix;
  // Same 30-bit prefix (about one pair in a billion): settle it with the full digests.
  const byDigest = Buffer.compare(electionDigest(a.node, ip), electionDigest(b.node, ip));
  if (byDigest !== 0) return byDigest;
  // Only equal names hash equally in practice; keep the order total anyway.
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
