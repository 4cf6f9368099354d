import { describe, expect, it } from 'vitest';
import { HeartbeatMonitor } from './heartbeat-monitor.ts';

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('HeartbeatMonitor', () => {
  it('is stalled only after more than maxSilenceMs without a beat', () => {
    const clock = manualClock();
    const monitor = new HeartbeatMonitor({ maxSilenceMs: 5_000 }, clock);
    clock.advance(5_000);
    expect(monitor.stalled()).toBe(false);
    clock.advance(1);
    expect(monitor.stalled()).toBe(true);
    expect(monitor.silenceMs()).toBe(5_001);
  });

  it('a beat clears a stall', () => {
    const clock = manualClock();
    const monitor = new HeartbeatMonitor({ maxSilenceMs: 100 }, clock);
    clock.advance(500);
    expect(monitor.stalled()).toBe(true);
    monitor.beat();
    expect(monitor.stalled()).toBe(false);
    expect(monitor.silenceMs()).toBe(0);
  });
});
