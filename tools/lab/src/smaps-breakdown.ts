/**
 * Where a Node process's resident memory is, by kind of mapping in its `/proc/PID/smaps`: the
 * node binary's pages, other files, glibc's main arena (brk) and thread arenas (64 MiB-aligned
 * reservations), thread stacks (after a 4 KiB guard page), and the rest of the anonymous memory
 * (V8's heap pages and code space, large malloc blocks). The speaker's and the controller's
 * footprint benches print it.
 */
import { readFile, realpath } from 'node:fs/promises';

/** Resident KiB by kind of mapping. */
export type SmapsBreakdown = {
  /** The node binary's pages (code, read-only data). */
  readonly nodeBinary: number;
  /** Other mapped files (shared libraries, the packet-socket addon). */
  readonly otherFiles: number;
  /** glibc's main arena (`[heap]`, grown with brk). */
  readonly brkHeap: number;
  /** glibc's thread arenas: 64 MiB-aligned reservations, of which the front is read-write. */
  readonly mallocArenas: number;
  /** How many thread arenas. */
  readonly arenaCount: number;
  /** Thread stacks (read-write mappings right after a 4 KiB guard page) and `[stack]`. */
  readonly stacks: number;
  /** Every other anonymous mapping: V8's heap pages and code space, mostly. */
  readonly otherAnon: number;
  /** Pages freed with MADV_FREE, still counted in RSS until the kernel needs them. */
  readonly lazyFree: number;
};

type Mapping = {
  start: bigint;
  end: bigint;
  perms: string;
  pathname: string;
  rssKiB: number;
  lazyFreeKiB: number;
};

function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      mappings.push({
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        perms: head[3]!,
        pathname: head[4]!,
        rssKiB: 0,
        lazyFreeKiB: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) mappings[mappings.length - 1]!.rssKiB = Number(rss[1]);
    const lazyFree = /^LazyFree:\s+(\d+) kB/.exec(line);
    if (lazyFree !== null) mappings[mappings.length - 1]!.lazyFreeKiB = Number(lazyFree[1]);
  }
  return mappings;
}

const ARENA = 64n << 20n;
const GUARD = 4096n;

/** `smaps` is the text of `/proc/PID/smaps`; `nodeBinary` the real path of the node executable. */
export function breakDownSmaps(smaps: string, nodeBinary: string): SmapsBreakdown {
  const mappings = parseSmaps(smaps);
  const kib = {
    nodeBinary: 0,
    otherFiles: 0,
    brkHeap: 0,
    mallocArenas: 0,
    arenaCount: 0,
    stacks: 0,
    otherAnon: 0,
    lazyFree: 0,
  };
  mappings.forEach((m, i) => {
    kib.lazyFree += m.lazyFreeKiB;
    const previous = mappings[i - 1];
    const next = mappings[i + 1];
    if (m.pathname === nodeBinary) kib.nodeBinary += m.rssKiB;
    else if (m.pathname === '[heap]') kib.brkHeap += m.rssKiB;
    else if (m.pathname === '[stack]') kib.stacks += m.rssKiB;
    else if (m.pathname.startsWith('/')) kib.otherFiles += m.rssKiB;
    else if (m.pathname !== '')
      kib.otherAnon += m.rssKiB; // [vvar], [vdso], [anon:…]
    else if (
      m.perms.startsWith('rw') &&
      m.start % ARENA === 0n &&
      (m.end - m.start === ARENA || (next?.start === m.end && next.perms.startsWith('---')))
    ) {
      kib.mallocArenas += m.rssKiB;
      kib.arenaCount += 1;
    } else if (
      m.perms.startsWith('rw') &&
      previous?.end === m.start &&
      previous.perms.startsWith('---') &&
      previous.end - previous.start === GUARD
    ) {
      kib.stacks += m.rssKiB;
    } else kib.otherAnon += m.rssKiB;
  });
  return kib;
}

/** The breakdown of a running process `pid`. */
export async function readSmapsBreakdown(pid: number): Promise<SmapsBreakdown> {
  const [smaps, nodeBinary] = await Promise.all([
    readFile(`/proc/${pid}/smaps`, 'utf8'),
    realpath(`/proc/${pid}/exe`),
  ]);
  return breakDownSmaps(smaps, nodeBinary);
}
