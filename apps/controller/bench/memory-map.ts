/**
 * The controller's resident memory by kind of mapping, as table rows: tools/lab's smaps breakdown
 * (node binary, other files, glibc's main arena and thread arenas, stacks, other anonymous memory:
 * V8's heap pages and code space, large malloc blocks).
 */
import { readSmapsBreakdown, type SmapsBreakdown } from '@baremetal-lb/lab';

export type MemoryMap = ReadonlyArray<readonly [group: string, residentKb: number]>;

const groups: ReadonlyArray<readonly [string, keyof SmapsBreakdown]> = [
  ['node binary (file pages)', 'nodeBinary'],
  ['other mapped files (libraries)', 'otherFiles'],
  ['glibc main arena (brk)', 'brkHeap'],
  ['glibc thread arenas', 'mallocArenas'],
  ['thread stacks', 'stacks'],
  ['other anonymous (V8 heap pages and code, large malloc blocks)', 'otherAnon'],
];

/** Resident kB per group, largest first. */
export async function readMemoryMap(pid: number): Promise<MemoryMap> {
  const breakdown = await readSmapsBreakdown(pid);
  return groups.map(([group, key]) => [group, breakdown[key]] as const).sort((a, b) => b[1] - a[1]);
}
