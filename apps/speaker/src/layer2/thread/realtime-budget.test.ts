import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.ts';
import { type PriorityChange, RealtimeBudget } from './realtime-budget.ts';

/** A thread whose CPU time the test advances; records every priority it was given. */
function setup(options: { refuse?: (priority: number) => boolean } = {}) {
  const clock = new FakeClock();
  let cpu = 0;
  const priorities: number[] = [];
  const changes: PriorityChange[] = [];
  const budget = new RealtimeBudget(
    { priority: 10, maxBusyShare: 0.5, windowMs: 100, cooldownMs: 1000 },
    {
      setPriority: (p) => {
        if (options.refuse?.(p)) throw new Error('EPERM');
        priorities.push(p);
      },
      cpuMs: () => cpu,
    },
    clock,
    (c) => changes.push(c),
  );
  /** `ms` of wall time during which the thread was busy `share` of the time, handling frames if busy. */
  const run = (ms: number, share: number) => {
    for (let t = 0; t < ms; t += 10) {
      cpu += 10 * share;
      if (share > 0) budget.noteActivity();
      clock.advance(10);
    }
  };
  return { budget, clock, priorities, changes, run };
}

describe('RealtimeBudget', () => {
  it('goes realtime at start and stays there while the thread is mostly idle', () => {
    const { budget, priorities, changes, run } = setup();
    expect(budget.start()).toBeUndefined();
    run(5000, 0.05);
    expect(priorities).toEqual([10]);
    expect(changes).toEqual([]);
    expect(budget.realtime).toBe(true);
  });

  it('drops to the normal class in the window it goes over budget, and back after the cooldown', () => {
    const { budget, priorities, changes, run } = setup();
    budget.start();
    run(200, 0.1);
    run(100, 0.9); // a storm: 90 % of a core
    expect(budget.realtime).toBe(false);
    expect(priorities).toEqual([10, 0]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.realtime).toBe(false);
    expect(changes[0]!.busyShare).toBeCloseTo(0.9);
    run(900, 0.1); // calm again, still cooling down
    expect(budget.realtime).toBe(false);
    run(200, 0.1);
    expect(budget.realtime).toBe(true);
    expect(priorities).toEqual([10, 0, 10]);
    expect(changes.at(-1)).toMatchObject({ realtime: true });
  });

  it('stays normal while the storm lasts, going back and forth once per cooldown at most', () => {
    const { budget, priorities, run } = setup();
    budget.start();
    run(3050, 0.9);
    // demoted at 100 ms, promoted at 1,100 ms and demoted in the next window, and so on.
    expect(priorities).toEqual([10, 0, 10, 0, 10, 0]);
  });

  it('reports a refusal at start and never retries', () => {
    const { budget, clock, priorities } = setup({ refuse: (p) => p > 0 });
    expect(budget.start()).toBe('EPERM');
    expect(budget.realtime).toBe(false);
    clock.advance(10_000);
    expect(priorities).toEqual([]);
    expect(clock.pendingCount).toBe(0);
  });

  it('reports a refusal when regaining realtime after a cooldown, and retries a cooldown later', () => {
    let refuse = false;
    const { budget, priorities, changes, run } = setup({ refuse: (p) => refuse && p > 0 });
    budget.start();
    run(100, 0.9);
    refuse = true;
    run(1100, 0);
    expect(changes.at(-1)).toMatchObject({ realtime: false, error: 'EPERM' });
    const before = changes.length;
    run(500, 0);
    expect(changes).toHaveLength(before);
    refuse = false;
    run(600, 0);
    expect(budget.realtime).toBe(true);
    expect(priorities.at(-1)).toBe(10);
  });

  it('reports a refused demotion, stays realtime and tries again in the next window', () => {
    let refuseDemotion = true;
    const { budget, changes, priorities, run } = setup({ refuse: (p) => refuseDemotion && p === 0 });
    budget.start();
    run(100, 0.9);
    expect(budget.realtime).toBe(true);
    expect(changes).toEqual([expect.objectContaining({ realtime: true, error: 'EPERM' })]);
    refuseDemotion = false;
    run(100, 0.9);
    expect(budget.realtime).toBe(false);
    expect(priorities).toEqual([10, 0]);
  });

  it('sleeps through an idle spell and wakes on the next frame, in time to cut a storm', () => {
    const { budget, clock, priorities, run } = setup();
    budget.start();
    run(100, 0);
    expect(clock.pendingCount).toBe(0);
    clock.advance(10_000);
    run(100, 0.9); // the first frames of a storm start a window
    expect(budget.realtime).toBe(false);
    expect(priorities).toEqual([10, 0]);
  });

  it('keeps watching while demoted, frames or not, to take realtime back after the cooldown', () => {
    const { budget, clock, priorities, run } = setup();
    budget.start();
    run(100, 0.9);
    run(1100, 0);
    expect(priorities).toEqual([10, 0, 10]);
    run(100, 0);
    expect(clock.pendingCount).toBe(0);
  });

  it('stop() cancels the watch, and frames after it start nothing', () => {
    const { budget, clock } = setup();
    budget.start();
    budget.stop();
    expect(clock.pendingCount).toBe(0);
    budget.noteActivity();
    expect(clock.pendingCount).toBe(0);
  });
});
