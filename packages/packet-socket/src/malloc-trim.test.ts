/**
 * trimMallocHeap: a child process (fresh heap, --expose-gc) fills its main arena with 8 KiB
 * Buffers, frees fifteen of every sixteen (the kept ones pin the arena's top, so free() itself
 * cannot give the holes back), and trims: its anonymous RSS must drop by most of the holes.
 */
import { execFileSync } from 'node:child_process';
import { MissingPrerequisiteError } from '@baremetal-lb/lab';
import { describe, expect, it, vi } from 'vitest';
import { startMallocTrim, trimMallocHeap } from './malloc-trim.ts';
import { isAddonAvailable } from './native-addon.ts';

const available = process.platform === 'linux' && isAddonAvailable();
if (!available) {
  const why = 'the packet-socket addon is not built (npm run build:native)';
  if (process.env.BMLB_REQUIRE_ALL === '1') throw new MissingPrerequisiteError('malloc_trim tests', [why]);
  console.warn(`SKIPPED malloc_trim tests: ${why}`);
}

const child = `
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { trimMallocHeap } from ${JSON.stringify(new URL('./malloc-trim.ts', import.meta.url).pathname)};
const anonMiB = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
let buffers = Array.from({ length: 4000 }, () => Buffer.alloc(8192, 1));
const kept = buffers.filter((_, i) => i % 16 === 15);
buffers = undefined;
for (let i = 0; i < 3; i++) { globalThis.gc(); await sleep(100); }
const before = anonMiB();
const released = trimMallocHeap();
const after = anonMiB();
process.stdout.write(JSON.stringify({ before, after, released, kept: kept.length }));
`;

describe.skipIf(!available)('trimMallocHeap (a child process with a fragmented heap)', () => {
  it('gives the free pages between live chunks back to the kernel', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child], {
      encoding: 'utf8',
    });
    const { before, after, released, kept } = JSON.parse(out);
    console.info(`malloc_trim: anonymous RSS ${before.toFixed(1)} → ${after.toFixed(1)} MiB`);
    expect(kept).toBe(250);
    expect(released).toBe(true);
    // 3,750 freed Buffers are 29 MiB of holes; most of their pages must go.
    expect(before - after).toBeGreaterThan(20);
  });
});

describe('startMallocTrim', () => {
  it('refuses an interval under a second', () => {
    expect(() => startMallocTrim(10)).toThrow(
      expect.objectContaining({ code: 'ERR_PACKET_INVALID_ARGUMENT' }),
    );
  });

  it.skipIf(!available)('trims on its timer until stopped', () => {
    vi.useFakeTimers();
    try {
      const trimmer = startMallocTrim(5_000)!;
      vi.advanceTimersByTime(15_000);
      expect(trimmer.trims).toBe(3);
      trimmer.stop();
      vi.advanceTimersByTime(15_000);
      expect(trimmer.trims).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it.skipIf(!available)('trimMallocHeap runs in this process too', () => {
    expect(typeof trimMallocHeap()).toBe('boolean');
  });
});
