import { describe, expect, it } from 'vitest';
import { SimulatedCluster } from '../testing/index.ts';

describe('membership under packet loss', () => {
  it('10% loss for 10 simulated minutes: no healthy member is ever declared dead', () => {
    const cluster = new SimulatedCluster({ size: 10, seed: 2024 });
    expect(cluster.startAll()).toBeDefined();
    cluster.network.setLoss(0.1);
    const minutes = Number(process.env.LOSS_MINUTES ?? 10);
    cluster.clock.advance(minutes * 60_000);
    const events = cluster.members.flatMap((m) => m.events);
    // Loss does cause suspicions (so the test exercises refutation), but every one is refuted.
    expect(events.filter((e) => e.type === 'suspect').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'alive' && e.reason === 'refuted').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'dead' || e.type === 'left')).toEqual([]);
    cluster.network.setLoss(0);
    expect(cluster.clock.advanceUntil(() => cluster.converged(), 2_000, 10)).toBeDefined();
    // ~6,000 member-seconds of simulation: several seconds of CPU, more on a busy machine.
  }, 180_000);
});
