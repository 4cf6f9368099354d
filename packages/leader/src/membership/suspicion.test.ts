import { describe, expect, it } from 'vitest';
import { Suspicion, suspicionTimeoutMs } from './suspicion.ts';

describe('Lifeguard suspicion timeout', () => {
  it.each([
    // confirmations, expected, min, max -> timeout
    [0, 3, 200, 600, 600],
    [1, 3, 200, 600, 400],
    [2, 3, 200, 600, 600 - 400 * (Math.log(3) / Math.log(4))],
    [3, 3, 200, 600, 200],
    [9, 3, 200, 600, 200],
    [0, 0, 200, 600, 200],
  ])('c=%i of k=%i in [%i, %i] ms -> %f ms', (c, k, min, max, want) => {
    expect(suspicionTimeoutMs(c, k, min, max)).toBeCloseTo(want, 6);
  });

  it('counts distinct accusers other than the first, and moves the deadline forward in time only down', () => {
    const s = new Suspicion({
      incarnation: 4,
      startedMs: 1_000,
      accuser: 'a',
      expected: 3,
      minMs: 200,
      maxMs: 600,
    });
    expect(s.deadlineMs).toBe(1_600);
    expect(s.confirm('a')).toBe(false);
    expect(s.confirm('b')).toBe(true);
    expect(s.confirm('b')).toBe(false);
    expect(s.confirmations).toBe(1);
    expect(s.deadlineMs).toBe(1_400);
    s.confirm('c');
    s.confirm('d');
    expect(s.deadlineMs).toBe(1_200);
  });
});
