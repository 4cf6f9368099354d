import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.ts';

const batch = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from([i]));

describe('BatchQueue', () => {
  it('pauses the producer at the high-water mark and resumes it at half', async () => {
    const events: string[] = [];
    const queue = new BatchQueue(8, {
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      detach: () => events.push('detach'),
    });
    queue.push(batch(4));
    expect(events).toEqual([]);
    queue.push(batch(4));
    expect(events).toEqual(['pause']);
    queue.push(batch(4)); // frames already in flight still queue up
    expect(queue.queuedFrames).toBe(12);
    await queue.next();
    await queue.next();
    expect(events).toEqual(['pause', 'resume']);
    expect(queue.queuedFrames).toBe(4);
    await queue.return();
    expect(events).toEqual(['pause', 'resume', 'detach']);
    expect((await queue.next()).done).toBe(true);
  });

  it('hands a batch straight to a waiting consumer, and delivers queued batches before an error', async () => {
    const queue = new BatchQueue(8, { pause: () => {}, resume: () => {}, detach: () => {} });
    const waiting = queue.next();
    queue.push(batch(1));
    expect((await waiting).value).toHaveLength(1);
    queue.push(batch(2));
    queue.finish(new Error('boom'));
    expect((await queue.next()).value).toHaveLength(2);
    await expect(queue.next()).rejects.toThrow('boom');
    expect((await queue.next()).done).toBe(true);
  });
});
