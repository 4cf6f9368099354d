import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { electLeader, electWith, rankCandidates, rankWith } from './rank-candidates.ts';
import { Ranker } from './ranker.ts';

const runs = process.env.FUZZ === '1' ? 2_000 : 100;
const candidates = fc.array(
  fc.oneof(
    fc.constantFrom('node-a', 'node-b', 'node-c', 'node-d', 'node-e'),
    fc.record({
      node: fc.constantFrom('node-a', 'node-b', 'node-f'),
      preference: fc.integer({ min: 0, max: 2 }),
    }),
  ),
  { maxLength: 10 },
);

describe('Ranker (cached digests)', () => {
  it('agrees with the uncached functions across changing candidate sets', () => {
    const ranker = new Ranker();
    fc.assert(
      fc.property(candidates, fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::5'), (cs, ip) => {
        expect(ranker.electLeader(cs, ip)).toBe(electLeader(cs, ip));
        expect(ranker.rankCandidates(cs, ip)).toEqual(rankCandidates(cs, ip));
      }),
      { numRuns: runs },
    );
    expect(ranker.size).toBeLessThanOrEqual(6 * 3);
  });

  it('keeps MetalLB golden order and forgets what it is told to', () => {
    const ranker = new Ranker();
    expect(ranker.rankCandidates(['node-a', 'node-b', 'node-c'], '10.0.0.1')).toEqual([
      'node-b',
      'node-a',
      'node-c',
    ]);
    expect(ranker.electLeader(['node-a', 'node-c'], '10.0.0.2')).toBe('node-c');
    expect(ranker.size).toBe(5);
    ranker.retain(['10.0.0.2']);
    expect(ranker.size).toBe(2);
    ranker.forgetNodes(['node-c']);
    expect(ranker.size).toBe(1);
    expect(ranker.electLeader(['node-a', 'node-c'], '10.0.0.2')).toBe('node-c');
  });

  it('breaks equal digest prefixes with the full digest', () => {
    const nodes = ['node-a', 'node-b', 'node-c', 'node-d'];
    const sameprefix = () => 7;
    expect(rankWith(nodes, '10.0.0.1', sameprefix)).toEqual(rankCandidates(nodes, '10.0.0.1'));
    expect(electWith(nodes, '10.0.0.2', sameprefix)).toBe(electLeader(nodes, '10.0.0.2'));
  });
});
