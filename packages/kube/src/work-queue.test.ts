import { describe, expect, it } from 'vitest';
import { FakeClock } from './testing/fake-clock.ts';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('hands out each key once however often it is added', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.length).toBe(0);
  });

  it('never gives a key to two workers; a key added while processing comes back after done', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    const next = queue.get();
    queue.done(key!);
    expect(await next).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
    expect(queue.idle).toBe(false);
    queue.done('x');
    expect(queue.idle).toBe(true);
  });

  it('backs off exponentially per key and forget resets it', async () => {
    const clock = new FakeClock();
    // random() = 0: the top of each jitter range, so the doubling is exact.
    const queue = new WorkQueue({ clock, backoff: { baseDelayMs: 10, maxDelayMs: 50 }, random: () => 0 });
    expect(queue.addRateLimited('a')).toBe(10);
    expect(queue.length).toBe(0);
    await clock.advance(9);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(queue.length).toBe(1);
    queue.done((await queue.get())!);
    expect(queue.addRateLimited('a')).toBe(20);
    expect(queue.addRateLimited('a')).toBe(40);
    expect(queue.addRateLimited('a')).toBe(50);
    queue.forget('a');
    expect(queue.failures('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(10);
  });

  it('keeps the earlier of two delays for one key', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('a', 1000);
    queue.addAfter('a', 100);
    queue.addAfter('a', 5000);
    await clock.advance(100);
    expect(queue.length).toBe(1);
    await clock.advance(10_000);
    expect(queue.length).toBe(1);
  });

  it('releases waiting workers on shutdown and on abort', async () => {
    const queue = new WorkQueue();
    const controller = new AbortController();
    const aborted = queue.get(controller.signal);
    controller.abort();
    expect(await aborted).toBeUndefined();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('late');
    expect(queue.length).toBe(0);
  });
});
