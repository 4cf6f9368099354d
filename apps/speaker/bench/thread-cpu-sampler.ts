/**
 * Samples one thread's CPU use from /proc: /proc/PID/task/TID/stat (utime and stime in clock
 * ticks, scheduling policy) and /proc/PID/task/TID/schedstat (time on a CPU, ns), every
 * `intervalMs`, so a benchmark can tell how much of a core the thread took, and under which
 * scheduling class.
 */
import { readdir, readFile } from 'node:fs/promises';
import { SCHED_FIFO } from '@baremetal-lb/lab';

export type ThreadCpuSample = {
  /** performance.now() when read, ms. */
  readonly atMs: number;
  /** utime + stime, clock ticks (USER_HZ, 100 per second on Linux). */
  readonly ticks: number;
  /** Time on a CPU, ns (schedstat). */
  readonly cpuNs: number;
  readonly realtime: boolean;
};

export async function readThreadCpu(pid: number, tid: number): Promise<ThreadCpuSample> {
  const [stat, schedstat] = await Promise.all([
    readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'),
  ]);
  // After the parenthesised name, field 3 (state) is index 0: utime = field 14, stime = 15,
  // policy = 41.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    atMs: performance.now(),
    ticks: Number(fields[11]) + Number(fields[12]),
    cpuNs: Number(schedstat.split(' ')[0]),
    realtime: Number(fields[38]) === SCHED_FIFO,
  };
}

/**
 * CPU-seconds per thread name (comm: under Node 24 "MainThread" is the JavaScript thread,
 * "V8Worker" V8's garbage collection and compiler helpers, "libuv-worker" the thread pool,
 * "bmlb-…" packet-socket's native threads), summed over the threads of that name, from schedstat.
 */
export async function readThreadCpuByName(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const read = await Promise.all([
      readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8'),
      readThreadCpu(pid, Number(tid)),
    ]).catch(() => undefined);
    if (read === undefined) continue; // the thread ended meanwhile
    const name = read[0].trim();
    byName.set(name, (byName.get(name) ?? 0) + read[1].cpuNs / 1e9);
  }
  return byName;
}

/** CPU-seconds per minute by thread name between two `readThreadCpuByName` readings, busiest first. */
export function describeThreadCpu(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  seconds: number,
): string {
  return [...after]
    .map(([name, s]) => [name, ((s - (before.get(name) ?? 0)) * 60) / seconds] as const)
    .filter(([, perMinute]) => perMinute >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, perMinute]) => `${name} ${perMinute.toFixed(2)}`)
    .join(', ');
}

/** Starts sampling; `stop()` resolves with every sample taken. */
export function sampleThreadCpu(pid: number, tid: number, intervalMs: number) {
  const samples: ThreadCpuSample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      samples.push(await readThreadCpu(pid, tid));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop(): Promise<ThreadCpuSample[]> {
      running = false;
      await done;
      return samples;
    },
  };
}

export type ThreadCpuSummary = {
  /** From stat's utime + stime over the whole span, share of one core (10 ms resolution). */
  readonly shareFromTicks: number;
  /** Highest CPU share of one core over any 1 s of the span (schedstat): the storm itself. */
  readonly peakSecondShare: number;
  /** Highest CPU share over any `windowMs`, in any scheduling class. */
  readonly peakWindowShare: number;
  /** Highest CPU share over any `windowMs` that the thread spent wholly in SCHED_FIFO. */
  readonly peakRealtimeWindowShare: number;
  /** Share of the span spent in SCHED_FIFO. */
  readonly realtimeShare: number;
};

/** Highest CPU share of one core over any span of at least `windowMs` (the shortest such). */
function peakShare(samples: readonly ThreadCpuSample[], windowMs: number, realtimeOnly: boolean): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const span = samples[j]!.atMs - samples[i]!.atMs;
      if (span < windowMs) continue;
      if (!realtimeOnly || samples.slice(i, j + 1).every((s) => s.realtime)) {
        peak = Math.max(peak, (samples[j]!.cpuNs - samples[i]!.cpuNs) / 1e6 / span);
      }
      break;
    }
  }
  return peak;
}

export function summarizeThreadCpu(samples: readonly ThreadCpuSample[], windowMs: number): ThreadCpuSummary {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const spanMs = last.atMs - first.atMs;
  let realtimeMs = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1]!.realtime && samples[i]!.realtime)
      realtimeMs += samples[i]!.atMs - samples[i - 1]!.atMs;
  }
  return {
    shareFromTicks: ((last.ticks - first.ticks) * 10) / spanMs,
    peakSecondShare: peakShare(samples, 1000, false),
    peakWindowShare: peakShare(samples, windowMs, false),
    peakRealtimeWindowShare: peakShare(samples, windowMs, true),
    realtimeShare: realtimeMs / spanMs,
  };
}
