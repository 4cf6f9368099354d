import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './testing/fake-clock.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then qps per second, in order', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 2, burst: 3 }, clock);
    const granted: number[] = [];
    for (let i = 0; i < 7; i++) void bucket.take().then(() => granted.push(i));
    await flushMicrotasks();
    expect(granted).toEqual([0, 1, 2]);
    await clock.advance(499);
    expect(granted).toEqual([0, 1, 2]);
    await clock.advance(1);
    expect(granted).toEqual([0, 1, 2, 3]);
    await clock.advance(1_500);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('refills to burst after a quiet period, no more', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 5 }, clock);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(bucket.available).toBeLessThan(1);
    await clock.advance(60_000);
    expect(bucket.available).toBe(5);
  });

  it('releases a waiter whose signal aborts, without a token', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1 }, clock);
    await bucket.take();
    const abort = new AbortController();
    let released = false;
    void bucket.take(abort.signal).then(() => {
      released = true;
    });
    await flushMicrotasks();
    expect(released).toBe(false);
    abort.abort();
    await flushMicrotasks();
    expect(released).toBe(true);
    expect(bucket.available).toBeLessThan(1);
  });

  it('rejects a budget that admits nothing', () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1 }, new FakeClock())).toThrow(RangeError);
    expect(() => new TokenBucket({ qps: 1, burst: 0 }, new FakeClock())).toThrow(RangeError);
  });
});
