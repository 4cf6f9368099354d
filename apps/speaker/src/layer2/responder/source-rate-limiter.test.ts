import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceRateLimiter } from './source-rate-limiter.ts';

describe('SourceRateLimiter', () => {
  it('allows a burst, then the sustained rate, and counts drops', () => {
    const l = new SourceRateLimiter({ perSourcePerSecond: 10, burst: 5, maxSources: 10 });
    const first = Array.from({ length: 8 }, () => l.allow('aa', 0));
    expect(first.filter(Boolean)).toHaveLength(5);
    expect(l.dropped).toBe(3);
    // 100 ms at 10/s refills one token.
    expect(l.allow('aa', 100)).toBe(true);
    expect(l.allow('aa', 100)).toBe(false);
    expect(l.dropped).toBe(4);
  });

  it('allows everything at an infinite rate, even many frames in the same millisecond', () => {
    const infinite = Number.POSITIVE_INFINITY;
    const l = new SourceRateLimiter({ perSourcePerSecond: infinite, burst: infinite, maxSources: 0 });
    for (let i = 0; i < 1000; i++) expect(l.allow('aa', 5)).toBe(true);
    expect(l.dropped).toBe(0);
    expect(l.trackedSources).toBe(0);
  });

  it('limits each source separately', () => {
    const l = new SourceRateLimiter({ perSourcePerSecond: 1, burst: 1, maxSources: 10 });
    expect(l.allow('aa', 0)).toBe(true);
    expect(l.allow('aa', 0)).toBe(false);
    expect(l.allow('bb', 0)).toBe(true);
  });

  it('never tracks more than maxSources, however many sources flood', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 300 }), (sources) => {
        const l = new SourceRateLimiter({ perSourcePerSecond: 1, burst: 1, maxSources: 16 });
        sources.forEach((s, i) => {
          l.allow(s, i);
        });
        expect(l.trackedSources).toBeLessThanOrEqual(16);
      }),
    );
  });

  it('never allows more than burst + rate × time from one source', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (gaps) => {
        const l = new SourceRateLimiter({ perSourcePerSecond: 100, burst: 10, maxSources: 4 });
        let now = 0;
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          if (l.allow('x', now)) allowed++;
        }
        expect(allowed).toBeLessThanOrEqual(10 + Math.floor((now * 100) / 1000));
      }),
    );
  });
});
