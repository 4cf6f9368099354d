import { describe, expect, it } from 'vitest';
import { EventLoopWatchdog } from './event-loop-watchdog.ts';

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Blocks this thread's event loop for `ms` (what a wedged synchronous loop does). */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else on this loop runs
  }
}

describe('EventLoopWatchdog with a manual clock', () => {
  const options = { tickMs: 1_000, stallMs: 5_000 };

  it('ticks on time: not stalled, no lag', () => {
    const clock = manualClock();
    const watchdog = new EventLoopWatchdog(options, clock);
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000);
      watchdog.tick();
    }
    expect(watchdog.lagMs).toBe(0);
    expect(watchdog.stalled()).toBe(false);
  });

  it('lag up to stallMs is tolerated; beyond it the loop is stalled until a tick comes on time', () => {
    const clock = manualClock();
    const watchdog = new EventLoopWatchdog(options, clock);
    clock.advance(1_000 + 5_000);
    watchdog.tick();
    expect(watchdog.lagMs).toBe(5_000);
    expect(watchdog.stalled()).toBe(false);
    clock.advance(1_000 + 5_001);
    watchdog.tick();
    expect(watchdog.stalled()).toBe(true);
    clock.advance(1_000);
    watchdog.tick();
    expect(watchdog.stalled()).toBe(false);
  });

  it('no tick for tickMs + stallMs: stalled even before the late tick runs', () => {
    const clock = manualClock();
    const watchdog = new EventLoopWatchdog(options, clock);
    clock.advance(6_000);
    expect(watchdog.stalled()).toBe(false);
    clock.advance(1);
    expect(watchdog.stalled()).toBe(true);
  });
});

describe('EventLoopWatchdog on the real event loop', () => {
  it('reports a blocked loop as stalled, and recovers once the loop runs again', async () => {
    const watchdog = new EventLoopWatchdog({ tickMs: 20, stallMs: 200 }).start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(watchdog.stalled()).toBe(false);
      blockLoop(400);
      // What a probe served right after the block sees: the tick has not run yet.
      expect(watchdog.stalled()).toBe(true);
      // Ticks on time again: no longer stalled.
      await new Promise((r) => setTimeout(r, 200));
      expect(watchdog.stalled()).toBe(false);
    } finally {
      watchdog.stop();
    }
  });
});
