import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeaderError } from '../leader-error.ts';
import { electLeader, rankCandidates } from './rank-candidates.ts';

const runs = process.env.FUZZ === '1' ? 5_000 : 200;

describe('rankCandidates', () => {
  // Golden vectors as listed in the project's MetalLB reference (shared/reference/metallb-compat.md,
  // "Speaker behaviour"). Their origin in MetalLB's repository could not be traced to a file (not
  // in speaker/layer2_controller_test.go, whose layer-2 cases use iris1/iris2 and 10.20.30.x), so
  // they are not cited as MetalLB's; the order itself is checked against sha256(node#ip) below.
  it.each([
    ['10.0.0.1', ['node-b', 'node-a', 'node-c']],
    ['10.0.0.2', ['node-b', 'node-c', 'node-a']],
  ])('orders node-a, node-b, node-c for %s like MetalLB', (ip, want) => {
    expect(rankCandidates(['node-a', 'node-b', 'node-c'], ip)).toEqual(want);
    expect(electLeader(['node-c', 'node-a', 'node-b'], ip)).toBe(want[0]);
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }),
        fc.ipV4(),
        fc.integer(),
        (nodes, ip, seed) => {
          const shuffled = fc.sample(fc.shuffledSubarray(nodes, { minLength: nodes.length }), {
            numRuns: 1,
            seed,
          })[0]!;
          expect(rankCandidates(shuffled, ip)).toEqual(rankCandidates(nodes, ip));
        },
      ),
      { numRuns: runs },
    );
  });

  it('sorts by sha256(node#ip) ascending when preferences tie (independent oracle)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 10 }),
        fc.oneof(fc.ipV4(), fc.ipV6()),
        (nodes, ip) => {
          const digest = (n: string) => createHash('sha256').update(`${n}#${ip}`).digest('hex');
          const want = [...nodes].sort((a, b) => (digest(a) < digest(b) ? -1 : 1));
          expect(rankCandidates(nodes, ip)).toEqual(want);
        },
      ),
      { numRuns: runs },
    );
  });

  it('puts a higher preference first, whatever the hash', () => {
    const ip = '10.0.0.1';
    // node-c ranks last by hash alone; a preference lifts it to the front.
    expect(rankCandidates(['node-a', 'node-b', { node: 'node-c', preference: 10 }], ip)).toEqual([
      'node-c',
      'node-b',
      'node-a',
    ]);
    expect(
      rankCandidates(
        [
          { node: 'node-a', preference: 5 },
          { node: 'node-b', preference: 1 },
          { node: 'node-c', preference: 5 },
        ],
        ip,
      ),
    ).toEqual(['node-a', 'node-c', 'node-b']);
  });

  it('counts a repeated node once, with its highest preference', () => {
    expect(rankCandidates(['node-a', 'node-b', 'node-a'], '10.0.0.1')).toEqual(['node-b', 'node-a']);
    expect(rankCandidates(['node-b', { node: 'node-a', preference: 3 }, 'node-a'], '10.0.0.1')).toEqual([
      'node-a',
      'node-b',
    ]);
  });

  it('rejects a non-finite preference with a typed error', () => {
    expect(() => rankCandidates([{ node: 'node-a', preference: Number.NaN }], '10.0.0.1')).toThrow(
      LeaderError,
    );
    expect(() => electLeader([{ node: 'x', preference: Infinity }], '10.0.0.1')).toThrow(
      expect.objectContaining({ code: 'ERR_LEADER_INVALID_CANDIDATE' }),
    );
  });
});

describe('electLeader', () => {
  it('returns undefined for no candidates', () => {
    expect(electLeader([], '10.0.0.1')).toBeUndefined();
    expect(rankCandidates([], '10.0.0.1')).toEqual([]);
  });

  it('always agrees with the head of rankCandidates', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            node: fc.string({ minLength: 1, maxLength: 8 }),
            preference: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        fc.ipV4(),
        (candidates, ip) => {
          expect(electLeader(candidates, ip)).toBe(rankCandidates(candidates, ip)[0]);
        },
      ),
      { numRuns: runs },
    );
  });
});
