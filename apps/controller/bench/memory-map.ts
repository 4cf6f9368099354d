/**
 * Where a process's resident memory is, from /proc/PID/smaps: the node binary's pages, other
 * mapped files, glibc's main arena (brk), and the anonymous mappings: glibc's thread arenas
 * (64 MiB-aligned, read-write part plus a PROT_NONE tail making 64 MiB), thread stacks (8 MiB
 * above a 4 KiB guard page), V8's executable code range, and the rest: V8's heap pages (256 KiB
 * each) and other mmap'd allocations (large malloc blocks, ArrayBuffer backing stores).
 */
import { readFile, realpath } from 'node:fs/promises';

export type MemoryMap = ReadonlyArray<readonly [group: string, residentKb: number]>;

type Mapping = { start: bigint; end: bigint; perms: string; path: string; rssKb: number };

function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      mappings.push({
        start: BigInt(`0x${header[1]}`),
        end: BigInt(`0x${header[2]}`),
        perms: header[3]!,
        path: header[4]!,
        rssKb: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && mappings.length > 0) mappings.at(-1)!.rssKb = Number(rss[1]);
  }
  return mappings;
}

const kbOf = (m: Mapping) => Number((m.end - m.start) / 1024n);
const arenaAlignment = 64n * 1024n * 1024n;

/** Resident kB per group, largest first. */
export async function readMemoryMap(pid: number): Promise<MemoryMap> {
  const binary = await realpath(`/proc/${pid}/exe`);
  const mappings = parseSmaps(await readFile(`/proc/${pid}/smaps`, 'utf8'));
  const groups = new Map<string, number>();
  const add = (group: string, kb: number) => groups.set(group, (groups.get(group) ?? 0) + kb);
  mappings.forEach((m, i) => {
    const before = mappings[i - 1];
    const after = mappings[i + 1];
    if (m.path === binary) add('node binary (file pages)', m.rssKb);
    else if (m.path === '[heap]') add('glibc main arena (brk)', m.rssKb);
    else if (m.path.startsWith('[')) add(m.path, m.rssKb);
    else if (m.path !== '') add('other mapped files (libraries)', m.rssKb);
    else if (
      m.start % arenaAlignment === 0n &&
      after?.perms === '---p' &&
      after.start === m.end &&
      kbOf(m) + kbOf(after) === 65_536
    )
      add('glibc thread arenas', m.rssKb);
    else if (kbOf(m) === 8_192 && before?.perms === '---p' && before.end === m.start && kbOf(before) === 4)
      add('thread stacks', m.rssKb);
    else if (m.perms.includes('x')) add('V8 code range', m.rssKb);
    else add('other anonymous (V8 heap pages, large malloc blocks)', m.rssKb);
  });
  return [...groups].sort((a, b) => b[1] - a[1]);
}
