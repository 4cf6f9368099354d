import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { breakDownSmaps, readSmapsBreakdown } from './smaps-breakdown.ts';

/** One smaps entry: the header line and the two fields the breakdown reads. */
const entry = (range: string, perms: string, pathname: string, rssKiB: number, lazyFreeKiB = 0) =>
  `${range} ${perms} 00000000 00:00 0 ${pathname}\nSize: 4 kB\nRss: ${rssKiB} kB\nLazyFree: ${lazyFreeKiB} kB\n`;

describe('breakDownSmaps', () => {
  it('sorts each mapping into its kind by path, alignment and neighbours', () => {
    const smaps = [
      entry('00400000-00800000', 'r-xp', '/usr/bin/node', 1000),
      entry('00800000-00900000', 'r--p', '/usr/bin/node', 200),
      entry('01000000-02000000', 'rw-p', '[heap]', 300),
      // A thread arena: 64 MiB-aligned, read-write front, PROT_NONE rest of the 64 MiB.
      entry('7f0004000000-7f0004400000', 'rw-p', '', 40),
      entry('7f0004400000-7f0008000000', '---p', '', 0),
      // A thread stack: read-write right after a 4 KiB guard page.
      entry('7f0010000000-7f0010001000', '---p', '', 0),
      entry('7f0010001000-7f0010801000', 'rw-p', '', 16),
      // V8 heap pages and anything else anonymous.
      entry('7f0020000000-7f0020040000', 'rw-p', '', 256, 64),
      entry('7f0030000000-7f0030100000', 'r-xp', '/usr/lib/libc.so.6', 500),
      entry('7ffd00000000-7ffd00021000', 'rw-p', '[stack]', 8),
      entry('7ffd10000000-7ffd10002000', 'r-xp', '[vdso]', 4),
    ].join('');
    expect(breakDownSmaps(smaps, '/usr/bin/node')).toEqual({
      nodeBinary: 1200,
      otherFiles: 500,
      brkHeap: 300,
      mallocArenas: 40,
      arenaCount: 1,
      stacks: 24,
      otherAnon: 260,
      lazyFree: 64,
    });
  });

  it('adds up to the RSS of this very process', async () => {
    const breakdown = await readSmapsBreakdown(process.pid);
    const { nodeBinary, otherFiles, brkHeap, mallocArenas, stacks, otherAnon } = breakdown;
    const total = nodeBinary + otherFiles + brkHeap + mallocArenas + stacks + otherAnon;
    const rollup = /^Rss:\s+(\d+) kB/m.exec(await readFile('/proc/self/smaps_rollup', 'utf8'));
    // Both read the same process a moment apart: within a few MiB of each other.
    expect(Math.abs(total - Number(rollup![1]))).toBeLessThan(8 * 1024);
    expect(nodeBinary).toBeGreaterThan(0);
  });
});
