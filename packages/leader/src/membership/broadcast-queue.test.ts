import { describe, expect, it } from 'vitest';
import { BroadcastQueue } from './broadcast-queue.ts';
import { encodedMessageLength } from './message.ts';

describe('BroadcastQueue', () => {
  it('sends each update at most `limit` times, least-sent first', () => {
    const q = new BroadcastQueue();
    q.push({ type: 'alive', incarnation: 1, name: 'a', address: 'x' });
    expect(q.take(1_000, 2)).toHaveLength(1);
    q.push({ type: 'alive', incarnation: 1, name: 'b', address: 'x' });
    // b has been sent less, so it goes first even with room for one only.
    expect(q.take(12, 2).map((u) => u.name)).toEqual(['b']);
    expect(q.take(1_000, 2).map((u) => u.name)).toEqual(['b', 'a']);
    expect(q.size).toBe(0);
    expect(q.take(1_000, 2)).toEqual([]);
  });

  it('a newer update about a member replaces the old one; suspicions by different accusers coexist', () => {
    const q = new BroadcastQueue();
    q.push({ type: 'suspect', incarnation: 3, name: 'a', from: 'b' });
    q.push({ type: 'suspect', incarnation: 3, name: 'a', from: 'c' });
    q.push({ type: 'suspect', incarnation: 3, name: 'z', from: 'c' });
    expect(q.size).toBe(3);
    q.push({ type: 'suspect', incarnation: 3, name: 'a', from: 'c' });
    expect(q.size).toBe(3);
    q.push({ type: 'alive', incarnation: 4, name: 'a', address: 'x' });
    expect(q.take(1_000, 5).map((u) => `${u.type}:${u.name}`)).toEqual(['alive:a', 'suspect:z']);
  });

  it('respects the byte budget', () => {
    const q = new BroadcastQueue();
    for (let i = 0; i < 100; i++) q.push({ type: 'left', incarnation: i, name: `member-${i}` });
    const taken = q.take(100, 3);
    const used = taken.reduce((n, u) => n + encodedMessageLength(u), 0);
    // Each "member-NN" leave is 15 bytes: six fit in 100, a seventh would not.
    expect(taken.length).toBe(6);
    expect(used).toBeLessThanOrEqual(100);
  });
});
