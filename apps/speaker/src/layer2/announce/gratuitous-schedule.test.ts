import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.ts';
import { defaultGratuitousOptions, GratuitousScheduler, gratuitousOffsetsMs } from './gratuitous-schedule.ts';

describe('gratuitousOffsetsMs', () => {
  it('sends at once and then every 1.1 s for 5 s by default (MetalLB)', () => {
    expect(gratuitousOffsetsMs(defaultGratuitousOptions)).toEqual([0, 1100, 2200, 3300, 4400]);
  });
  it('is configurable; a zero interval sends once', () => {
    expect(gratuitousOffsetsMs({ intervalMs: 200, durationMs: 600 })).toEqual([0, 200, 400]);
    expect(gratuitousOffsetsMs({ intervalMs: 0, durationMs: 5000 })).toEqual([0]);
  });
});

describe('GratuitousScheduler', () => {
  it('fires on the schedule and forgets the key when done', () => {
    const clock = new FakeClock();
    const s = new GratuitousScheduler(clock);
    const at: number[] = [];
    s.start('192.0.2.1@eth0', () => at.push(clock.now()));
    expect(at).toEqual([0]);
    clock.advance(10_000);
    expect(at).toEqual([0, 1100, 2200, 3300, 4400]);
    expect(s.activeKeys).toEqual([]);
  });

  it('stops at once when cancelled, leaving other keys alone', () => {
    const clock = new FakeClock();
    const s = new GratuitousScheduler(clock);
    let a = 0;
    let b = 0;
    s.start('a', () => a++);
    s.start('b', () => b++);
    clock.advance(1500);
    s.cancel('a');
    clock.advance(10_000);
    expect(a).toBe(2);
    expect(b).toBe(5);
    expect(clock.pendingCount).toBe(0);
  });

  it('restarts a running key from zero', () => {
    const clock = new FakeClock();
    const s = new GratuitousScheduler(clock, { intervalMs: 100, durationMs: 300 });
    let n = 0;
    s.start('k', () => n++);
    clock.advance(150);
    s.start('k', () => n++);
    clock.advance(1000);
    expect(n).toBe(2 + 3);
    expect(s.activeKeys).toEqual([]);
  });
});
