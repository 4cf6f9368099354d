/**
 * Speaker footprint, before vs after, side by side in one e2e lab run (root; 3 nodes, real
 * kube-apiserver): for each speaker build, RSS / CPU-seconds per minute / threads of each
 * speaker idle with 1 Service, start-up (process start → the owner's first gratuitous ARP for
 * the VIP, after the stand-in took it over) TRIALS times, and RSS with 100 Services (20 s after
 * the last was created, and again after IDLE_SECONDS more); then a heap snapshot summary of the
 * last build's owner with 100 Services.
 *
 *   BEFORE_ENTRY=/path/to/other/apps/speaker/src/main.ts node --conditions=@baremetal-lb/source bench/footprint.ts
 *
 * BEFORE_ENTRY may be another checkout's built `apps/speaker/dist/main.js` (run without the source
 * condition, as the image runs it). Without BEFORE_ENTRY only this checkout is measured.
 * VARIANTS (JSON, `[{"name":"semi1","nodeOptions":["--max-semi-space-size=1"],"env":{"MALLOC_ARENA_MAX":"2"}}]`)
 * adds builds of this checkout's image script (bundle/main.js) run with exactly those Node options
 * and variables instead of the Dockerfile's, measured before it, to compare runtime settings in
 * one lab run; `"script"` (relative to the repository) runs another entry, e.g. apps/speaker/dist/main.js.
 * SERVICES (default 100) is the Service count of the last column. Prints tables; asserts nothing.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { imageRuntime, parseImageRuntime, summarizeHeapSnapshot } from '@baremetal-lb/lab';
import { rankCandidates } from '@baremetal-lb/leader';
import {
  arpingMac,
  captureGratuitousArp,
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  NET,
  NODE_NAMES,
  repoRoot,
  type SpeakerLab,
  speakerEntry,
  speakerEnv,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { BENCH_SPEAKER_FLAGS, percentile, range, readProcess } from './bench-lab.ts';

const trials = Number(process.env.TRIALS ?? 10);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
const serviceCount = Number(process.env.SERVICES ?? 100);
const vip = `${NET}.200`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pids(t: SpeakerLab): number[] {
  return NODE_NAMES.map((n) => t.speakers.get(n)!.child.pid!);
}

type Row = {
  build: string;
  idleRss: string;
  cpuPerMinute: string;
  threads: string;
  startupMedian: string;
  startupRange: string;
  rss100: string;
  rss100Idle: string;
  connections100: string;
  /** Each node's RSS (anon) in the last column, and whether it owns the first VIP: which speaker is highest. */
  perNode: string;
};

type Build = { name: string; entry: readonly string[]; env: Readonly<Record<string, string>> };

async function measure(t: SpeakerLab, build: Build, snapshotDir?: string): Promise<Row> {
  const { entry, env } = build;
  const owner = t.hostOf(rankCandidates(NODE_NAMES, vip)[0]!);
  const standIn = t.hostOf(
    rankCandidates(
      NODE_NAMES.filter((n) => n !== NODE_NAMES[t.nodes.indexOf(owner)]),
      vip,
    )[0]!,
  );
  const flags = [...BENCH_SPEAKER_FLAGS, '--log-level=warn'];
  await Promise.all(t.nodes.map((h) => t.start(h, flags, entry, env)));
  await waitFor(async () => (await arpingMac(t.client, vip)) === owner.mac, 30_000, 'announce');
  await sleep(10_000);
  const before = await Promise.all(pids(t).map(readProcess));
  await sleep(idleSeconds * 1000);
  const after = await Promise.all(pids(t).map(readProcess));
  const cpu = after.map((a, i) => ((a.cpuSeconds - before[i]!.cpuSeconds) * 60) / idleSeconds);

  const startups: number[] = [];
  for (let i = 0; i < trials; i++) {
    await t.kill(owner, 'SIGTERM');
    await waitFor(
      async () => (await arpingMac(t.client, vip)) === standIn.mac.toLowerCase(),
      20_000,
      'stand-in',
    );
    await sleep(500);
    const capture = captureGratuitousArp(t, vip);
    try {
      const t0 = performance.now();
      const starting = t.start(owner, flags, entry, env);
      await waitFor(
        () => capture.seen.some((g) => g.mac === owner.mac.toLowerCase()),
        30_000,
        'owner announces',
      );
      startups.push(capture.seen.find((g) => g.mac === owner.mac.toLowerCase())!.at - t0);
      const strangers = capture.seen.filter(
        (g) => g.mac !== owner.mac.toLowerCase() && g.mac !== standIn.mac.toLowerCase(),
      );
      if (strangers.length > 0)
        throw new Error(`${build.name}: a third node announced ${vip} during start-up`);
      await starting;
    } finally {
      await capture.close();
    }
  }

  const names = Array.from({ length: serviceCount - 1 }, (_, i) => `bulk-${i}`);
  for (const [i, name] of names.entries())
    await createLbService(t, name, [`${NET}.${100 + i}`], 'Cluster', ['nodea']);
  await sleep(20_000);
  const with100 = await Promise.all(pids(t).map(readProcess));
  // Steady state with them: the same idle span as the 1-Service column (what is left once the
  // heap has shrunk after the burst of creations).
  await sleep(idleSeconds * 1000);
  const with100Idle = await Promise.all(pids(t).map(readProcess));
  if (snapshotDir !== undefined) {
    process.kill(t.speakers.get(NODE_NAMES[t.nodes.indexOf(owner)]!)!.child.pid!, 'SIGUSR2');
    await sleep(15_000);
  }
  for (const name of names) {
    await t.kube.request('DELETE', `/api/v1/namespaces/default/services/${name}`);
    await t.kube.request('DELETE', `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${name}-1`);
  }
  for (const h of t.nodes) await t.kill(h, 'SIGTERM');
  const sorted = [...startups].sort((a, b) => a - b);
  return {
    build: build.name,
    // One decimal: the goal (70 MB = 66.8 MiB) falls between whole MiB.
    idleRss: `${range(
      after.map((p) => p.rssMiB),
      1,
    )} (${range(
      after.map((p) => p.anonMiB),
      1,
    )})`,
    cpuPerMinute: range(cpu, 2),
    threads: range(after.map((p) => p.threads)),
    startupMedian: (percentile(sorted, 50) / 1000).toFixed(2),
    startupRange: range(
      sorted.map((ms) => ms / 1000),
      2,
    ),
    rss100: `${range(
      with100.map((p) => p.rssMiB),
      1,
    )} (${range(
      with100.map((p) => p.anonMiB),
      1,
    )})`,
    rss100Idle: `${range(
      with100Idle.map((p) => p.rssMiB),
      1,
    )} (${range(
      with100Idle.map((p) => p.anonMiB),
      1,
    )})`,
    perNode: NODE_NAMES.map(
      (n, i) =>
        `${n}${t.hostOf(n) === owner ? ' (owner)' : ''} ${with100Idle[i]!.rssMiB.toFixed(1)} (${with100Idle[i]!.anonMiB.toFixed(1)})`,
    ).join(', '),
    connections100: `${range(after.map((p) => p.tcpConnections))} / ${range(with100.map((p) => p.tcpConnections))} / ${range(with100Idle.map((p) => p.tcpConnections))}`,
  };
}

async function main(): Promise<void> {
  const builds: Build[] = [];
  const beforeEntry = process.env.BEFORE_ENTRY;
  const image = await imageRuntime('speaker');
  // A built entry (dist/main.js) runs as that checkout's image runs it (its Dockerfile's Node
  // options and environment); a source entry needs the condition.
  if (beforeEntry?.endsWith('.js')) {
    const checkout = path.resolve(path.dirname(beforeEntry), '../../..');
    const before = parseImageRuntime(await readFile(path.join(checkout, 'apps/speaker/Dockerfile'), 'utf8'));
    builds.push({ name: 'before', entry: [...before.nodeOptions, beforeEntry], env: before.env });
  } else if (beforeEntry) {
    builds.push({ name: 'before', entry: ['--conditions=@baremetal-lb/source', beforeEntry], env: {} });
  }
  const variants = JSON.parse(process.env.VARIANTS ?? '[]') as Array<{
    name: string;
    nodeOptions?: string[];
    env?: Record<string, string>;
    script?: string;
  }>;
  for (const v of variants)
    builds.push({
      name: v.name,
      entry: [...(v.nodeOptions ?? []), path.join(repoRoot, v.script ?? image.script)],
      env: v.env ?? {},
    });
  builds.push({ name: 'after', entry: speakerEntry, env: speakerEnv });
  const snapshotDir = await mkdtemp(path.join(tmpdir(), 'bmlb-speaker-heap-'));
  const t = await createSpeakerLab();
  const rows: Row[] = [];
  try {
    await createMetallbObject(t, 'ipaddresspools', {
      kind: 'IPAddressPool',
      metadata: { name: 'main' },
      spec: { addresses: [`${NET}.100-${NET}.220`] },
    });
    await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'main' } });
    await createLbService(t, 'web', [vip], 'Cluster', ['nodea']);
    for (const [i, build] of builds.entries()) {
      const last = i === builds.length - 1;
      const entry = last
        ? [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${snapshotDir}`, ...build.entry]
        : build.entry;
      rows.push(await measure(t, { ...build, entry }, last ? snapshotDir : undefined));
    }
  } finally {
    await t.destroy();
  }
  console.log(
    `\nSpeaker footprint (3 nodes, ${cpus().length} CPUs, Node ${process.version}, idle ${idleSeconds} s, ${trials} start-ups)\n`,
  );
  console.log(
    `| build | RSS (anon) idle, 1 Service (MiB) | CPU-s/min idle | threads | start-up median (s) | start-up range (s) | RSS (anon), ${serviceCount} Services, 20 s after the last (MiB) | the same after ${idleSeconds} s more idle | TCP connections per speaker: idle / ${serviceCount} Services / later |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.build} | ${r.idleRss} | ${r.cpuPerMinute} | ${r.threads} | ${r.startupMedian} | ${r.startupRange} | ${r.rss100} | ${r.rss100Idle} | ${r.connections100} |`,
    );
  console.log(
    `\nPer speaker, RSS (anon) in MiB ${idleSeconds} s after the ${serviceCount} Services settled:`,
  );
  for (const r of rows) console.log(`- ${r.build}: ${r.perNode}`);
  const [file] = (await readdir(snapshotDir)).filter((f) => f.endsWith('.heapsnapshot'));
  if (file !== undefined) {
    const { total, groups } = await summarizeHeapSnapshot(path.join(snapshotDir, file));
    console.log(
      `\nHeap snapshot of the owner (last build, ${serviceCount} Services): ${(total / 2 ** 20).toFixed(1)} MiB self size\n`,
    );
    console.log('| group | MiB | count |');
    console.log('|---|---|---|');
    for (const g of groups) console.log(`| ${g.name} | ${(g.bytes / 2 ** 20).toFixed(2)} | ${g.count} |`);
  }
  await rm(snapshotDir, { recursive: true, force: true });
}

await main();
