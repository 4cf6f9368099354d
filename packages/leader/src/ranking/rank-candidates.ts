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

type Keyed = { node: string; preference: number; digest: Buffer };

/**
 * MetalLB's layer-2 election order for `ip`: preference score descending, then
 * `sha256(node + "#" + ip)` compared bytewise ascending. Every speaker computes this alone from the
 * same inputs, so the first entry is the announcing node everywhere. A node listed twice counts once,
 * with its highest preference. The input is not modified.
 */
export function rankCandidates(candidates: readonly CandidateInput[], ip: string): readonly string[] {
  const keyed = [...collapse(candidates).values()].map((c) => withDigest(c, ip));
  keyed.sort(compareKeyed);
  return keyed.map((k) => k.node);
}

/**
 * The node that announces `ip`: the first of {@link rankCandidates}, found in one pass without
 * sorting. `undefined` when there are no candidates (then nobody announces).
 */
export function electLeader(candidates: readonly CandidateInput[], ip: string): string | undefined {
  let best: Keyed | undefined;
  for (const c of collapse(candidates).values()) {
    // Hash only candidates that can still win on preference.
    if (best !== undefined && c.preference < best.preference) continue;
    const k = withDigest(c, ip);
    if (best === undefined || compareKeyed(k, best) < 0) best = k;
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

function withDigest(c: { node: string; preference: number }, ip: string): Keyed {
  return { node: c.node, preference: c.preference, digest: hash('sha256', `${c.node}#${ip}`, 'buffer') };
}

function compareKeyed(a: Keyed, b: Keyed): number {
  if (a.preference !== b.preference) return b.preference - a.preference;
  const byDigest = Buffer.compare(a.digest, b.digest);
  if (byDigest !== 0) return byDigest;
  // Only equal names hash equally in practice; keep the order total anyway.
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
