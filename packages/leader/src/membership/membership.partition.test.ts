import { describe, expect, it } from 'vitest';
import { SimulatedCluster, type SimulatedMember } from '../testing/index.ts';
import { defaultMembershipConfig as config, detectionTimeMs } from './membership-config.ts';

function sees(
  m: SimulatedMember,
  alive: readonly SimulatedMember[],
  dead: readonly SimulatedMember[],
): boolean {
  const view = new Map(m.membership.snapshot().members.map((x) => [x.name, x.state]));
  return alive.every((a) => view.get(a.name) === 'alive') && dead.every((d) => view.get(d.name) === 'dead');
}

/**
 * Healing needs one reconnect attempt across the former cut (every reconnectIntervalMs, toward a
 * random dead member), then a full-state exchange and refutations spreading by gossip. Members
 * whose first attempt went to their own side retry a second later, hence two intervals.
 */
const healBoundMs = 2 * config.reconnectIntervalMs + detectionTimeMs(config, 10, 0.999);

describe('membership across a partition', () => {
  it('each half converges on its own, then one view again within the bound after healing', () => {
    const cluster = new SimulatedCluster({ size: 10, seed: 77 });
    expect(cluster.startAll()).toBeDefined();
    cluster.clock.advance(500);
    const left = cluster.members.slice(0, 5);
    const right = cluster.members.slice(5);
    cluster.network.partition(
      left.map((m) => m.address),
      right.map((m) => m.address),
    );
    // Five members fail at once from each side's point of view; allow a few detection times.
    const split = cluster.clock.advanceUntil(
      () => left.every((m) => sees(m, left, right)) && right.every((m) => sees(m, right, left)),
      3 * detectionTimeMs(config, 10, 0.999),
      5,
    );
    expect(split).toBeDefined();
    // Stay split a while: views must stay stable (no flapping back to alive).
    cluster.clock.advance(10_000);
    expect(left.every((m) => sees(m, left, right)) && right.every((m) => sees(m, right, left))).toBe(true);

    cluster.network.heal();
    const healed = cluster.clock.advanceUntil(() => cluster.converged(), healBoundMs, 5);
    expect(healed, `healed within ${healBoundMs} ms`).toBeDefined();
    // Coming back after being declared dead is a rejoin with a higher incarnation.
    const back = right[0]!.events
      .filter((e) => e.type === 'alive' && e.member.name === left[0]!.name)
      .at(-1)!;
    expect(back.reason).toBe('rejoined');
    expect(back.member.incarnation).toBeGreaterThan(0);
  });

  it('a member cut off from everyone rejoins after the cut heals', () => {
    const cluster = new SimulatedCluster({ size: 5, seed: 5 });
    cluster.startAll();
    const lonely = cluster.members[4]!;
    const rest = cluster.members.slice(0, 4);
    cluster.network.partition(
      rest.map((m) => m.address),
      [lonely.address],
    );
    cluster.clock.advance(3_000);
    expect(rest.every((m) => sees(m, rest, [lonely]))).toBe(true);
    expect(sees(lonely, [lonely], rest)).toBe(true);
    cluster.network.heal();
    expect(cluster.clock.advanceUntil(() => cluster.converged(), healBoundMs, 5)).toBeDefined();
  });
});
