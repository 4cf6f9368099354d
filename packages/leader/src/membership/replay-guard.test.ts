import { describe, expect, it } from 'vitest';
import { ReplayGuard, replayWindowPackets } from './replay-guard.ts';

describe('ReplayGuard', () => {
  it('accepts each counter once, out of order within the window', () => {
    const g = new ReplayGuard();
    expect([5, 3, 4, 5, 3, 6, 1].map((c) => g.accept('a', 10, c))).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('refuses counters that fell out of the window', () => {
    const g = new ReplayGuard();
    expect(g.accept('a', 1, 100)).toBe(true);
    expect(g.accept('a', 1, 100 - replayWindowPackets)).toBe(false);
    expect(g.accept('a', 1, 101 - replayWindowPackets)).toBe(true);
    expect(g.accept('a', 1, 100 + 10 * replayWindowPackets)).toBe(true);
    expect(g.accept('a', 1, 101)).toBe(false);
  });

  it('a newer epoch restarts the window; an older one is refused', () => {
    const g = new ReplayGuard();
    expect(g.accept('a', 10, 50)).toBe(true);
    expect(g.accept('a', 11, 0)).toBe(true);
    expect(g.accept('a', 10, 51)).toBe(false);
    expect(g.accept('b', 1, 0)).toBe(true); // senders are independent
  });

  it('forget lets a sender come back with a smaller epoch (wall clock stepped back)', () => {
    const g = new ReplayGuard();
    g.accept('a', 10, 1);
    expect(g.accept('a', 5, 1)).toBe(false);
    g.forget('a');
    expect(g.accept('a', 5, 1)).toBe(true);
    expect(g.size).toBe(1);
  });
});
