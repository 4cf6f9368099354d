import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeRanges } from './free-ranges.ts';

const runs = process.env.FUZZ === '1' ? 20_000 : 300;

describe('FreeRanges', () => {
  it('splits, merges and reports the lowest interval', () => {
    const free = new FreeRanges<number>([[10, 20]], 1);
    expect(free.remove(10)).toBe(true);
    expect(free.firstStart()).toBe(11);
    expect(free.remove(15)).toBe(true);
    expect([...free.intervals()]).toEqual([
      [11, 14],
      [16, 20],
    ]);
    expect(free.remove(15)).toBe(false);
    expect(free.add(15)).toBe(true);
    expect([...free.intervals()]).toEqual([[11, 20]]);
    expect(free.add(12)).toBe(false);
    expect(free.add(10)).toBe(true);
    expect(free.add(22)).toBe(true);
    expect([...free.intervals()]).toEqual([
      [10, 20],
      [22, 22],
    ]);
    expect(free.contains(21)).toBe(false);
    expect(free.contains(22)).toBe(true);
  });

  it('works on bigints for IPv6 /64 ranges without enumerating', () => {
    const first = 0x20010db8_00000000_00000000_00000000n;
    const last = first + (1n << 64n) - 1n;
    const free = new FreeRanges<bigint>([[first, last]], 1n);
    expect(free.remove(first)).toBe(true);
    expect(free.remove(last)).toBe(true);
    expect(free.remove(first + 5n)).toBe(true);
    expect([...free.intervals()]).toEqual([
      [first + 1n, first + 4n],
      [first + 6n, last - 1n],
    ]);
  });

  it('matches a set of free addresses under random add/remove (many chunks)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 3000 }),
        (ops) => {
          const free = new FreeRanges<number>([[0, 3000]], 1);
          const model = new Set<number>();
          for (let x = 0; x <= 3000; x++) model.add(x);
          for (const [isAdd, x] of ops) {
            if (isAdd) expect(free.add(x)).toBe(!model.has(x));
            else expect(free.remove(x)).toBe(model.has(x));
            if (isAdd) model.add(x);
            else model.delete(x);
          }
          const lowest = Math.min(...model);
          expect(free.firstStart()).toBe(model.size === 0 ? undefined : lowest);
          let count = 0;
          let previousEnd = -2;
          for (const [start, end] of free.intervals()) {
            expect(start).toBeGreaterThan(previousEnd + 1); // disjoint and never adjacent
            expect(end).toBeGreaterThanOrEqual(start);
            for (let x = start; x <= end; x++) expect(model.has(x)).toBe(true);
            count += end - start + 1;
            previousEnd = end;
          }
          expect(count).toBe(model.size);
        },
      ),
      { numRuns: runs / 10 },
    );
  });
});
