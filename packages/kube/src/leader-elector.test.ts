import { describe, expect, it } from 'vitest';
import { defaultLeaderTimings, LeaderElector } from './leader-elector.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { MemoryLease } from './testing/memory-lease-store.ts';

function candidate(lease: MemoryLease, clock: FakeClock, identity: string) {
  const log: string[] = [];
  const controller = new AbortController();
  const elector = new LeaderElector({
    store: lease.store(),
    identity,
    clock,
    callbacks: { onStartedLeading: () => log.push('start'), onStoppedLeading: () => log.push('stop') },
  });
  const running = elector.run(controller.signal);
  return { elector, log, controller, running };
}

describe('LeaderElector', () => {
  it('exactly one of two candidates leads', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    const b = candidate(lease, clock, 'b');
    await clock.advance(5_000);
    expect([a.elector.isLeader, b.elector.isLeader].filter(Boolean)).toHaveLength(1);
    expect(lease.lease?.spec?.holderIdentity).toBe(a.elector.isLeader ? 'a' : 'b');
    a.controller.abort();
    b.controller.abort();
  });

  it('a standby takes over within leaseDuration + 2 polls when the leader dies', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    await clock.advance(10);
    expect(a.elector.isLeader).toBe(true);
    const b = candidate(lease, clock, 'b');
    await clock.advance(2_000);
    expect(b.elector.isLeader).toBe(false);
    // Hard kill: a stops renewing without releasing.
    a.controller.abort();
    await a.running;
    const killedAt = clock.now();
    while (!b.elector.isLeader) await clock.advance(50);
    const { leaseDurationMs, standbyPollMs, renewIntervalMs } = defaultLeaderTimings;
    expect(clock.now() - killedAt).toBeLessThanOrEqual(leaseDurationMs + 2 * standbyPollMs + renewIntervalMs);
    expect(clock.now() - killedAt).toBeLessThan(5_000);
    expect(lease.lease?.spec?.leaseTransitions).toBe(1);
    b.controller.abort();
  });

  it('hands over at the next poll after a graceful release', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    await clock.advance(10);
    const b = candidate(lease, clock, 'b');
    await clock.advance(1_500);
    a.controller.abort();
    await a.running;
    await a.elector.release();
    expect(a.log).toEqual(['start', 'stop']);
    const releasedAt = clock.now();
    while (!b.elector.isLeader) await clock.advance(10);
    expect(clock.now() - releasedAt).toBeLessThanOrEqual(defaultLeaderTimings.standbyPollMs + 10);
    b.controller.abort();
  });

  it('steps down when it cannot renew before the deadline, and leads again later', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    await clock.advance(10);
    expect(a.log).toEqual(['start']);
    lease.down = true;
    await clock.advance(defaultLeaderTimings.renewDeadlineMs + defaultLeaderTimings.renewIntervalMs + 500);
    expect(a.log).toEqual(['start', 'stop']);
    expect(a.elector.isLeader).toBe(false);
    lease.down = false;
    await clock.advance(1_000);
    expect(a.log).toEqual(['start', 'stop', 'start']);
    a.controller.abort();
  });

  it('steps down at the renew deadline while a renewal hangs, long before the request would time out', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    await clock.advance(10);
    expect(a.log).toEqual(['start']);
    const lastRenewal = lease.lease?.spec?.renewTime;
    lease.stalled = true;
    const { renewDeadlineMs, renewIntervalMs } = defaultLeaderTimings;
    // The last renewal was sent at most renewInterval ago; the deadline runs from there.
    await clock.advance(renewDeadlineMs + 10);
    expect(a.log).toEqual(['start', 'stop']);
    expect(lease.lease?.spec?.renewTime).toBe(lastRenewal);
    lease.stalled = false;
    await clock.advance(renewDeadlineMs + renewIntervalMs);
    expect(a.log).toEqual(['start', 'stop', 'start']);
    a.controller.abort();
    await a.running;
  });
});
