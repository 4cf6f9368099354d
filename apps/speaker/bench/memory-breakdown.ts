/**
 * Where a speaker's resident memory goes: its `/proc/PID/smaps` by kind of mapping (tools/lab's
 * `breakDownSmaps`), and each V8 isolate's heap (main thread and the responder Worker) from a Node diagnostic report, written when
 * the process gets REPORT_SIGNAL (started with `reportOptions(dir)`).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SmapsBreakdown } from '@baremetal-lb/lab';

/** Node options that make the process write a diagnostic report to `dir` on REPORT_SIGNAL. */
export const REPORT_SIGNAL = 'SIGWINCH';
export const reportOptions = (dir: string) => [
  '--report-on-signal',
  `--report-signal=${REPORT_SIGNAL}`,
  `--report-directory=${dir}`,
];

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
