import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelayMs } from './backoff.ts';

describe('backoffDelayMs', () => {
  const options = { baseDelayMs: 5, maxDelayMs: 10_000 };

  it('doubles up to the cap at the top of the jitter range', () => {
    const top = () => 0;
    expect(backoffDelayMs(options, 1, top)).toBe(5);
    expect(backoffDelayMs(options, 2, top)).toBe(10);
    expect(backoffDelayMs(options, 0, top)).toBe(5);
    expect(backoffDelayMs(options, 100, top)).toBe(10_000);
  });

  it('spreads each delay over its jitter fraction', () => {
    expect(backoffDelayMs(options, 100, () => 0.999_999)).toBe(5_000);
    expect(backoffDelayMs({ ...options, jitter: 0.2 }, 100, () => 0.5)).toBe(9_000);
    expect(backoffDelayMs({ ...options, jitter: 0 }, 100, () => 0.9)).toBe(10_000);
    // Out-of-range jitter is clamped, never a negative delay.
    expect(backoffDelayMs({ ...options, jitter: 3 }, 100, () => 0.999_999)).toBe(0);
  });

  it('gives different nodes different delays with a real random source', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(options, 100)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('Backoff', () => {
  it('counts failures and starts over on success', () => {
    const backoff = new Backoff({ baseDelayMs: 100, maxDelayMs: 1_000 }, () => 0);
    expect([backoff.failed(), backoff.failed(), backoff.failed()]).toEqual([100, 200, 400]);
    expect(backoff.failures).toBe(3);
    backoff.succeeded();
    expect(backoff.failures).toBe(0);
    expect(backoff.failed()).toBe(100);
  });
});
