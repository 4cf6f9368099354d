/**
 * Samples one thread's CPU use from /proc: /proc/PID/task/TID/stat (utime and stime in clock
 * ticks, scheduling policy) and /proc/PID/task/TID/schedstat (time on a CPU, ns), every
 * `intervalMs`, so a benchmark can tell how much of a core the thread took, and under which
 * scheduling class.
 */
import { readFile } from 'node:fs/promises';
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
  /** CPU over the whole span, share of one core (schedstat). */
  readonly share: number;
  /** The same from stat's utime + stime (10 ms resolution). */
  readonly shareFromTicks: number;
  /** Share of the span spent in SCHED_FIFO. */
  readonly realtimeShare: number;
  /** Highest CPU share of one core over any `windowMs` span that the thread spent in SCHED_FIFO. */
  readonly maxRealtimeWindowShare: number;
};

export function summarizeThreadCpu(samples: readonly ThreadCpuSample[], windowMs: number): ThreadCpuSummary {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const spanMs = last.atMs - first.atMs;
  let realtimeMs = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1]!.realtime && samples[i]!.realtime)
      realtimeMs += samples[i]!.atMs - samples[i - 1]!.atMs;
  }
  let maxWindow = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const span = samples[j]!.atMs - samples[i]!.atMs;
      if (span < windowMs) continue;
      if (samples.slice(i, j + 1).every((s) => s.realtime)) {
        maxWindow = Math.max(maxWindow, (samples[j]!.cpuNs - samples[i]!.cpuNs) / 1e6 / span);
      }
      break;
    }
  }
  return {
    share: (last.cpuNs - first.cpuNs) / 1e6 / spanMs,
    shareFromTicks: ((last.ticks - first.ticks) * 10) / spanMs,
    realtimeShare: realtimeMs / spanMs,
    maxRealtimeWindowShare: maxWindow,
  };
}
