import { describe, expect, it } from 'vitest';
import {
  type SimulatedCluster as Cluster,
  SimulatedCluster,
  type SimulatedMember,
} from '../testing/index.ts';

/**
 * The bounds this test asserts, ms: fixed numbers from README.md ("Detection time", the p99.9
 * column), not computed from the configuration, so a change of the defaults that slows detection
 * fails here instead of moving the bound with it. Simulated time: no noise to leave room for.
 */
const detectionBoundMs: Readonly<Record<number, number>> = { 3: 367, 10: 551, 100: 884 };

function stateOf(observer: SimulatedMember, name: string): string | undefined {
  return observer.membership.snapshot().members.find((m) => m.name === name)?.state;
}

/** Kill `victim`; return ms until every other running member marks it dead (undefined past limitMs). */
function timeToDetect(cluster: Cluster, victim: SimulatedMember, limitMs: number): number | undefined {
  cluster.kill(victim);
  const others = cluster.members.filter((m) => cluster.isRunning(m));
  return cluster.clock.advanceUntil(
    () => others.every((m) => stateOf(m, victim.name) === 'dead'),
    limitMs,
    1,
  );
}

describe('membership: hard-kill detection in simulation', () => {
  // The documented bound at the 99.9th percentile; each case runs several kills from fixed seeds.
  it.each([
    { size: 3, kills: 8 },
    { size: 10, kills: 8 },
    { size: 100, kills: 2 },
  ])('$size members: every other member marks a killed one dead within the bound', ({ size, kills }) => {
    const bound = detectionBoundMs[size]!;
    const cluster = new SimulatedCluster({ size, seed: size });
    expect(cluster.startAll()).toBeDefined();
    for (let k = 0; k < kills; k++) {
      cluster.clock.advance(700 + 137 * k);
      const victim = cluster.members[size - 1 - (k % Math.max(1, size - 3))]!;
      const took = timeToDetect(cluster, victim, 5_000);
      expect(took, `kill #${k} of ${victim.name}`).toBeDefined();
      expect(took!).toBeLessThanOrEqual(bound);
      // The reason names who decided: the local timer or a report from another member.
      for (const m of cluster.members.filter((x) => cluster.isRunning(x))) {
        const dead = m.events.filter((e) => e.type === 'dead' && e.member.name === victim.name).at(-1)!;
        expect(['suspicionTimeout', 'reported']).toContain(dead.reason);
        expect(dead.previous).toBe('suspect');
      }
      cluster.restart(victim);
      expect(cluster.clock.advanceUntil(() => cluster.converged(), 5_000, 10)).toBeDefined();
    }
    // Nobody else was ever declared dead.
    const victims = new Set(cluster.members.slice(-Math.max(1, size - 3)).map((m) => m.name));
    const wrong = cluster.members.flatMap((m) =>
      m.events.filter((e) => e.type === 'dead' && !victims.has(e.member.name)),
    );
    expect(wrong).toEqual([]);
  });

  it('a dead member is first suspected, by a failed probe somewhere', () => {
    const cluster = new SimulatedCluster({ size: 5, seed: 42 });
    cluster.startAll();
    cluster.clock.advance(1_000);
    const victim = cluster.members[4]!;
    timeToDetect(cluster, victim, 5_000);
    const suspicions = cluster.members
      .slice(0, 4)
      .map((m) => m.events.find((e) => e.type === 'suspect' && e.member.name === victim.name)!);
    expect(suspicions.some((e) => e.reason === 'probeFailed')).toBe(true);
    for (const e of suspicions.filter((x) => x.reason === 'reported')) expect(e.by).toMatch(/^node-/);
  });
});
