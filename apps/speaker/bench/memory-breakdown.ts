/**
 * Where a speaker's resident memory goes: its `/proc/PID/smaps` by kind of mapping, and each V8
 * isolate's heap (main thread and the responder Worker) from a Node diagnostic report, written when
 * the process gets REPORT_SIGNAL (started with `reportOptions(dir)`).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Node options that make the process write a diagnostic report to `dir` on REPORT_SIGNAL. */
export const REPORT_SIGNAL = 'SIGWINCH';
export const reportOptions = (dir: string) => [
  '--report-on-signal',
  `--report-signal=${REPORT_SIGNAL}`,
  `--report-directory=${dir}`,
];

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

/** One isolate's heap, in KiB. */
export type IsolateHeap = {
  readonly committed: number;
  readonly used: number;
  readonly external: number;
  /** committed KiB per space: new, old, code, large_object, … */
  readonly spaces: Readonly<Record<string, number>>;
};

type ReportHeap = {
  totalCommittedMemory: number;
  usedMemory: number;
  externalMemory: number;
  heapSpaces: Record<string, { committedMemory: number }>;
};
type Report = { javascriptHeap: ReportHeap; workers: { javascriptHeap: ReportHeap }[] };

const isolateHeap = (h: ReportHeap): IsolateHeap => ({
  committed: h.totalCommittedMemory / 1024,
  used: h.usedMemory / 1024,
  external: h.externalMemory / 1024,
  spaces: Object.fromEntries(
    Object.entries(h.heapSpaces).map(([name, s]) => [name.replace(/_space$/, ''), s.committedMemory / 1024]),
  ),
});

/** The isolates' heaps from the newest report of `pid` in `dir`: main first, then each Worker. */
export async function readReportHeaps(dir: string, pid: number): Promise<IsolateHeap[] | undefined> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('report.') && f.includes(`.${pid}.`)).sort();
  const newest = files[files.length - 1];
  if (newest === undefined) return undefined;
  const report = JSON.parse(await readFile(path.join(dir, newest), 'utf8')) as Report;
  return [isolateHeap(report.javascriptHeap), ...report.workers.map((w) => isolateHeap(w.javascriptHeap))];
}

const mib = (kib: number) => (kib / 1024).toFixed(1);

/** A Markdown table row per speaker: smaps kinds and both isolates' committed / used heap. */
export function formatBreakdown(
  rows: readonly { name: string; smaps: SmapsBreakdown; heaps: readonly IsolateHeap[] | undefined }[],
): string {
  const lines = [
    '| speaker | node binary | other files | brk heap | malloc arenas (n) | stacks | other anon (lazy free) | V8 main: committed / used (new, old, code, large) | V8 responder: committed / used | external |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const isolate = (h: IsolateHeap | undefined, detail: boolean) =>
    h === undefined
      ? '–'
      : `${mib(h.committed)} / ${mib(h.used)}` +
        (detail
          ? ` (${mib(h.spaces.new ?? 0)}, ${mib(h.spaces.old ?? 0)}, ${mib(h.spaces.code ?? 0)}, ${mib(h.spaces.large_object ?? 0)})`
          : '');
  for (const { name, smaps: s, heaps } of rows) {
    const external = heaps?.reduce((sum, h) => sum + h.external, 0);
    lines.push(
      `| ${name} | ${mib(s.nodeBinary)} | ${mib(s.otherFiles)} | ${mib(s.brkHeap)} | ${mib(s.mallocArenas)} (${s.arenaCount}) | ${mib(s.stacks)} | ${mib(s.otherAnon)} (${mib(s.lazyFree)}) | ${isolate(heaps?.[0], true)} | ${isolate(heaps?.[1], false)} | ${external === undefined ? '–' : mib(external)} |`,
    );
  }
  return lines.join('\n');
}
