/**
 * Where an idle speaker's CPU goes: the e2e lab (root; 3 nodes, 1 Service announced), then each
 * speaker's threads' CPU over IDLE_SECONDS from /proc/PID/task/TID/schedstat, by thread name. With
 * CPU_PROF_DIR set, the speakers also run with `--cpu-prof` into that directory (profiles are
 * written when they exit).
 *
 *   node --conditions=@baremetal-lb/source bench/idle-threads.ts   (BMLB_SPEAKER_ENTRY=dist for the build)
 *
 * Prints a table; asserts nothing.
 */
import { cpus } from 'node:os';
import {
  arpingMac,
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  NET,
  NODE_NAMES,
  speakerEntry,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { BENCH_SPEAKER_FLAGS } from './bench-lab.ts';
import { readThreadCpuByName } from './thread-cpu-sampler.ts';

const idleSeconds = Number(process.env.IDLE_SECONDS ?? 30);
const profDir = process.env.CPU_PROF_DIR;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const t = await createSpeakerLab();
try {
  await createMetallbObject(t, 'ipaddresspools', {
    kind: 'IPAddressPool',
    metadata: { name: 'main' },
    spec: { addresses: [`${NET}.200-${NET}.220`] },
  });
  await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'main' } });
  await createLbService(t, 'web', [`${NET}.200`], 'Cluster', ['nodea']);
  const entry =
    profDir === undefined ? speakerEntry : [`--cpu-prof`, `--cpu-prof-dir=${profDir}`, ...speakerEntry];
  await Promise.all(t.nodes.map((h) => t.start(h, [...BENCH_SPEAKER_FLAGS, '--log-level=warn'], entry)));
  await waitFor(async () => (await arpingMac(t.client, `${NET}.200`)) !== undefined, 30_000, 'announce');
  await sleep(10_000);
  const pids = NODE_NAMES.map((n) => t.speakers.get(n)!.child.pid!);
  const before = await Promise.all(pids.map(readThreadCpuByName));
  await sleep(idleSeconds * 1000);
  const after = await Promise.all(pids.map(readThreadCpuByName));
  console.log(
    `\nIdle speaker CPU by thread (CPU-s/min; ${cpus().length} CPUs, Node ${process.version}, ${idleSeconds} s)\n`,
  );
  console.log(`| thread | ${NODE_NAMES.join(' | ')} |`);
  console.log(`|---|${NODE_NAMES.map(() => '---').join('|')}|`);
  const names = [...new Set(after.flatMap((m) => [...m.keys()]))].sort();
  const perMinute = (i: number, name: string) =>
    ((((after[i]!.get(name) ?? 0) - (before[i]!.get(name) ?? 0)) * 60) / idleSeconds).toFixed(3);
  for (const name of names)
    console.log(`| ${name} | ${pids.map((_, i) => perMinute(i, name)).join(' | ')} |`);
  for (const h of t.nodes) await t.kill(h, 'SIGTERM');
} finally {
  await t.destroy();
}
