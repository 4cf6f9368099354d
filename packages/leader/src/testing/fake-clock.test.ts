import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';

describe('FakeClock', () => {
  it('runs due timers in time order, ties in creation order, including timers set by timers', () => {
    const clock = new FakeClock({ wallStartMs: 1_000 });
    const log: string[] = [];
    clock.setTimer(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimer(() => log.push(`c@${clock.now()}`), 10);
    }, 10);
    clock.setTimer(() => log.push(`d@${clock.now()}`), 20);
    const cancelled = clock.setTimer(() => log.push('never'), 5);
    clock.clearTimer(cancelled);
    clock.advance(15);
    expect(log).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advance(100);
    // c was set later than d, so at the same instant it runs after d.
    expect(log).toEqual(['a@10', 'b@20', 'd@20', 'c@20']);
    expect(clock.wallNow()).toBe(1_115);
  });

  it('advanceUntil reports the time taken, or undefined past the limit', () => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimer(() => {
      fired = true;
    }, 42);
    expect(clock.advanceUntil(() => fired, 100)).toBe(42);
    expect(clock.advanceUntil(() => false, 30, 10)).toBeUndefined();
  });
});
