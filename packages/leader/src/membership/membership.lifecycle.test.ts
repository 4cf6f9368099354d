import { describe, expect, it } from 'vitest';
import { LeaderError } from '../leader-error.ts';
import {
  FakeClock,
  MemoryNetwork,
  SimulatedCluster,
  type SimulatedMember,
  seededRandom,
} from '../testing/index.ts';
import { Membership } from './membership.ts';

function stateOf(observer: SimulatedMember, name: string) {
  return observer.membership.snapshot().members.find((m) => m.name === name);
}

describe('membership lifecycle', () => {
  it('a graceful leave is seen at once, as left (not dead), and stays so', async () => {
    const cluster = new SimulatedCluster({ size: 6, seed: 11 });
    expect(cluster.startAll()).toBeDefined();
    cluster.clock.advance(1_000);
    const leaver = cluster.members[5]!;
    const others = cluster.members.slice(0, 5);
    const leaving = leaver.membership.leave();
    // One network delay (<= 0.5 ms here): the leave goes straight to every member.
    cluster.clock.advance(1);
    for (const m of others) expect(stateOf(m, leaver.name)?.state).toBe('left');
    cluster.clock.advance(100);
    await leaving;
    cluster.clock.advance(5_000);
    for (const m of others) {
      expect(stateOf(m, leaver.name)?.state).toBe('left');
      const about = m.events.filter((e) => e.member.name === leaver.name && e.reason !== 'joined');
      expect(about.map((e) => [e.type, e.reason])).toEqual([['left', 'leave']]);
    }
    expect(leaver.events.at(-1)).toMatchObject({
      type: 'left',
      reason: 'leave',
      member: { name: leaver.name },
    });
    expect(cluster.converged(others)).toBe(true);
  });

  it('confirmAlive: once it resolves, every member that acked holds the restarted member alive', async () => {
    const cluster = new SimulatedCluster({ size: 5, seed: 13 });
    cluster.startAll();
    cluster.clock.advance(1_000);
    const node = cluster.members[4]!;
    cluster.kill(node);
    cluster.clock.advance(2_000);
    cluster.restart(node);
    // Joined: the first full state arrived (and was refuted), the others may not know yet.
    expect(
      cluster.clock.advanceUntil(() => node.membership.liveMembers().length > 1, 2_000, 0.05),
    ).toBeDefined();
    let acked: string[] | undefined;
    const confirming = node.membership.confirmAlive().then((names) => {
      acked = names;
    });
    // The promise settles in microtasks: step the fake clock and let them run in between.
    for (let ms = 0; ms < 100 && acked === undefined; ms += 0.05) {
      cluster.clock.advance(0.05);
      await new Promise((r) => setImmediate(r));
    }
    await confirming;
    const own = stateOf(node, node.name)!;
    expect([...(acked ?? [])].sort()).toEqual(
      cluster.members
        .slice(0, 4)
        .map((m) => m.name)
        .sort(),
    );
    for (const m of cluster.members.slice(0, 4)) {
      expect(stateOf(m, node.name)).toMatchObject({ state: 'alive', incarnation: own.incarnation });
    }
  });

  it('a restarted member rejoins with a higher incarnation', () => {
    const cluster = new SimulatedCluster({ size: 5, seed: 12 });
    cluster.startAll();
    cluster.clock.advance(1_000);
    const node = cluster.members[4]!;
    cluster.kill(node);
    cluster.clock.advance(2_000);
    const deadAt = stateOf(cluster.members[0]!, node.name)!;
    expect(deadAt.state).toBe('dead');
    cluster.restart(node);
    expect(cluster.clock.advanceUntil(() => cluster.converged(), 2_000, 1)).toBeDefined();
    for (const m of cluster.members.slice(0, 4)) {
      const now = stateOf(m, node.name)!;
      expect(now.incarnation).toBeGreaterThan(deadAt.incarnation);
      expect(m.events.at(-1)).toMatchObject({ type: 'alive', reason: 'rejoined', previous: 'dead' });
    }
  });

  it('a member restarted faster than detection still ends up alive, with a higher incarnation', () => {
    const cluster = new SimulatedCluster({ size: 5, seed: 13 });
    cluster.startAll();
    const node = cluster.members[3]!;
    // Raise its incarnation first, so the fresh process starts below what the others know.
    cluster.network.setLoss(0.3);
    cluster.clock.advance(10_000);
    cluster.network.setLoss(0);
    cluster.clock.advance(2_000);
    const before = stateOf(cluster.members[0]!, node.name)!.incarnation;
    expect(before).toBeGreaterThan(0);
    cluster.kill(node);
    cluster.restart(node);
    expect(cluster.clock.advanceUntil(() => cluster.converged(), 2_000, 1)).toBeDefined();
    expect(stateOf(cluster.members[0]!, node.name)!.incarnation).toBeGreaterThan(before);
    expect(stateOf(node, node.name)!.incarnation).toBeGreaterThan(before);
  });

  it('forgets dead members after deadRetentionMs and takes them back when they return', () => {
    const cluster = new SimulatedCluster({ size: 4, seed: 17, config: { deadRetentionMs: 3_000 } });
    cluster.startAll();
    const node = cluster.members[3]!;
    cluster.kill(node);
    cluster.clock.advance(2_000);
    expect(stateOf(cluster.members[0]!, node.name)?.state).toBe('dead');
    cluster.clock.advance(3_000);
    for (const m of cluster.members.slice(0, 3)) expect(stateOf(m, node.name)).toBeUndefined();
    cluster.restart(node);
    expect(cluster.clock.advanceUntil(() => cluster.converged(), 3_000, 5)).toBeDefined();
  });

  it('snapshots are frozen, sorted, include self, and versioned', () => {
    const cluster = new SimulatedCluster({ size: 4, seed: 14 });
    const m = cluster.members[2]!.membership;
    cluster.startAll();
    const s1 = m.snapshot();
    expect(s1.self).toBe('node-002');
    expect(s1.members.map((x) => x.name)).toEqual(['node-000', 'node-001', 'node-002', 'node-003']);
    expect(Object.isFrozen(s1) && Object.isFrozen(s1.members) && Object.isFrozen(s1.members[0])).toBe(true);
    expect(m.snapshot()).toBe(s1); // unchanged view: same object
    cluster.kill(cluster.members[3]!);
    cluster.clock.advance(2_000);
    const s2 = m.snapshot();
    expect(s2.version).toBeGreaterThan(s1.version);
    expect(s1.members[3]!.state).toBe('alive'); // the old snapshot did not change under us
    expect(s2.members[3]!.state).toBe('dead');
    expect(m.liveMembers()).toEqual(['node-000', 'node-001', 'node-002']);
  });

  it('a throwing listener is counted and does not stop the protocol', () => {
    const cluster = new SimulatedCluster({ size: 3, seed: 15 });
    const m = cluster.members[0]!.membership;
    m.subscribe(() => {
      throw new Error('listener bug');
    });
    expect(cluster.startAll()).toBeDefined();
    expect(m.stats().listenerErrors).toBeGreaterThan(0);
  });

  it('validates its options with typed errors', () => {
    const clock = new FakeClock();
    const network = new MemoryNetwork({ clock, random: seededRandom(1) });
    const base = {
      name: 'a',
      transport: network.createTransport('a:1'),
      secrets: ['0123456789abcdef'],
      clock,
    };
    expect(() => new Membership({ ...base, secrets: [] })).toThrow(LeaderError);
    expect(() => new Membership({ ...base, secrets: ['short'] })).toThrow(
      expect.objectContaining({ code: 'ERR_LEADER_INVALID_KEY' }),
    );
    expect(() => new Membership({ ...base, name: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_LEADER_INVALID_CONFIG' }),
    );
    expect(() => new Membership({ ...base, config: { probeTimeoutMs: 80 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_LEADER_INVALID_CONFIG',
        details: { field: 'probeTimeoutMs', value: 80 },
      }),
    );
    expect(() => new Membership({ ...base, config: { gossipFanout: Number.NaN } })).toThrow(/gossipFanout/);
    const ok = new Membership(base);
    ok.start();
    expect(() => ok.start()).toThrow(expect.objectContaining({ code: 'ERR_LEADER_NOT_RUNNING' }));
  });

  it('stop is idempotent and silences the member', async () => {
    const cluster = new SimulatedCluster({ size: 3, seed: 16 });
    cluster.startAll();
    const m = cluster.members[1]!;
    await m.membership.stop();
    await m.membership.stop();
    const sent = cluster.network.traffic(m.address).packetsSent;
    cluster.clock.advance(5_000);
    expect(cluster.network.traffic(m.address).packetsSent).toBe(sent);
    expect(cluster.clock.pendingTimers).toBeLessThan(200);
  });
});
