/**
 * The speaker at cluster scale, as the image runs it (root; the e2e lab, 3 nodes, real
 * kube-apiserver): SERVICES LoadBalancer Services (default 5,000), each with SLICES_PER_SERVICE
 * EndpointSlices (default 2, so 10,000), every IP announced by one of the three speakers. Then,
 * once the last Service's IP is answered, every ServiceL2Status written and the speakers idled
 * 20 s: RSS (and its anonymous part), CPU-seconds per minute over IDLE_SECONDS, and a heap
 * snapshot summary of one speaker.
 *
 *   BMLB_SPEAKER_ENTRY=dist node --conditions=@baremetal-lb/source bench/footprint-scale.ts
 *
 * Where the memory goes is printed per speaker (`memory-breakdown.ts`: smaps by kind of mapping,
 * each V8 isolate's committed and used heap). NODE_VARIANTS (JSON, up to one per node,
 * `[{"name":"image"},{"name":"small","nodeOptions":["--optimize-for-size"],"env":{"MALLOC_ARENA_MAX":"2"}}]`)
 * runs nodea, nodeb, … with the image's options plus those, to screen settings in one run (each
 * node announces a different third of the IPs, so compare like with like over several runs);
 * `"script"` runs another built entry with the image's options.
 *
 * Addresses: the Services' IPs come from 198.18.0.0/18 (the benchmarking range, inside the
 * lab's namespaces only). Prints tables; asserts nothing.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Service } from '@baremetal-lb/kube';
import { breakDownSmaps, summarizeHeapSnapshot } from '@baremetal-lb/lab';
import { rankCandidates } from '@baremetal-lb/leader';
import {
  arpingMac,
  createMetallbObject,
  createSpeakerLab,
  metallbPath,
  NET,
  NODE_NAMES,
  repoRoot,
  speakerEntry,
  speakerEnv,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { BENCH_SPEAKER_FLAGS, range, readProcess } from './bench-lab.ts';
import { formatBreakdown, REPORT_SIGNAL, readReportHeaps, reportOptions } from './memory-breakdown.ts';
import { describeThreadCpu, readThreadCpuByName } from './thread-cpu-sampler.ts';

const services = Number(process.env.SERVICES ?? 5_000);
const slicesPerService = Number(process.env.SLICES_PER_SERVICE ?? 2);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
/** API requests in flight while creating the objects. */
const concurrency = 16;
/** `script`: another built entry (e.g. a copy of dist/main.js before a change) instead of the image's. */
type Variant = { name: string; nodeOptions?: string[]; env?: Record<string, string>; script?: string };
const variants: readonly Variant[] = JSON.parse(process.env.NODE_VARIANTS ?? '[]');
const variantOf = (i: number): Variant => variants[i] ?? { name: 'image' };
const describeVariant = (i: number) => {
  const v = variantOf(i);
  const env = Object.entries(v.env ?? {}).map(([k, value]) => `${k}=${value}`);
  return `${NODE_NAMES[i]} (${v.name}: ${[...(v.nodeOptions ?? []), ...env].join(' ') || 'as the image'})`;
};
const nodeBinary = realpathSync(path.join(repoRoot, 'node_modules/.bin/node'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The i-th address of 198.18.0.0/18, skipping .0 and .255 of each /24. */
const bulkIp = (i: number) => `198.18.${Math.floor(i / 254)}.${(i % 254) + 1}`;

async function parallel(n: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const snapshotDir = await mkdtemp(path.join(tmpdir(), 'bmlb-speaker-heap-'));
const t = await createSpeakerLab();
try {
  await createMetallbObject(t, 'ipaddresspools', {
    kind: 'IPAddressPool',
    metadata: { name: 'bulk' },
    spec: { addresses: ['198.18.0.0/18'] },
  });
  await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'all' } });
  const diagnostics = [
    '--heapsnapshot-signal=SIGUSR2',
    `--diagnostic-dir=${snapshotDir}`,
    ...reportOptions(snapshotDir),
  ];
  await Promise.all(
    t.nodes.map((h, i) => {
      const v = variantOf(i);
      const image = v.script === undefined ? speakerEntry : [...speakerEntry.slice(0, -1), v.script];
      const entry = [...diagnostics, ...(v.nodeOptions ?? []), ...image];
      return t.start(h, [...BENCH_SPEAKER_FLAGS, '--log-level=warn'], entry, { ...speakerEnv, ...v.env });
    }),
  );
  const pids = NODE_NAMES.map((n) => t.speakers.get(n)!.child.pid!);
  const idle = await Promise.all(pids.map(readProcess));

  const t0 = performance.now();
  await parallel(services, async (i) => {
    const name = `scale-${i}`;
    // No node ports (5,000 would exhaust the 2,768-port range), cluster IPs from the IPv6 range
    // (the IPv4 one holds 4,094); the announced address is the IPv4 ingress IP all the same.
    const svc = await t.kube.request<Service>('POST', '/api/v1/namespaces/default/services', {
      body: {
        metadata: { name },
        spec: {
          type: 'LoadBalancer',
          allocateLoadBalancerNodePorts: false,
          ipFamilies: ['IPv6'],
          ipFamilyPolicy: 'SingleStack',
          ports: [{ port: 80, protocol: 'TCP' }],
        },
      },
    });
    await t.kube.request('PUT', `/api/v1/namespaces/default/services/${name}/status`, {
      body: { ...svc, status: { loadBalancer: { ingress: [{ ip: bulkIp(i) }] } } },
    });
    for (let s = 1; s <= slicesPerService; s++) {
      await t.kube.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
        body: {
          metadata: { name: `${name}-${s}`, labels: { 'kubernetes.io/service-name': name } },
          addressType: 'IPv4',
          endpoints: [
            {
              addresses: [`${NET}.${60 + s}`],
              nodeName: NODE_NAMES[(i + s) % 3]!,
              conditions: { ready: true },
            },
          ],
        },
      });
    }
  });
  const createdS = (performance.now() - t0) / 1000;
  const last = bulkIp(services - 1);
  const owner = t.hostOf(rankCandidates(NODE_NAMES, last)[0]!);
  await waitFor(async () => (await arpingMac(t.client, last)) === owner.mac, 120_000, 'last IP answered');
  const answeredS = (performance.now() - t0) / 1000;
  // Each owner writes a ServiceL2Status per Service it announces: wait until all are written, so
  // that what follows measures the speakers idle, not that write-out.
  const statuses = async () =>
    (await t.kube.request<{ items: unknown[] }>('GET', metallbPath('servicel2statuses'))).items.length;
  await waitFor(async () => (await statuses()) >= services, 600_000, 'every ServiceL2Status written');
  const writtenS = (performance.now() - t0) / 1000;
  await sleep(20_000);
  const before = await Promise.all(pids.map(readProcess));
  const threadsBefore = await Promise.all(pids.map(readThreadCpuByName));
  await sleep(idleSeconds * 1000);
  const after = await Promise.all(pids.map(readProcess));
  const threadsAfter = await Promise.all(pids.map(readThreadCpuByName));
  const cpu = after.map((a, i) => ((a.cpuSeconds - before[i]!.cpuSeconds) * 60) / idleSeconds);
  for (const pid of pids) process.kill(pid, REPORT_SIGNAL);
  await sleep(5_000);
  const breakdown = await Promise.all(
    pids.map(async (pid, i) => {
      const smaps = await readFile(`/proc/${pid}/smaps`, 'utf8');
      // SMAPS_DIR keeps each speaker's smaps for a closer look.
      if (process.env.SMAPS_DIR)
        await writeFile(path.join(process.env.SMAPS_DIR, `${NODE_NAMES[i]}.smaps`), smaps);
      return {
        name: describeVariant(i),
        smaps: breakDownSmaps(smaps, nodeBinary),
        heaps: await readReportHeaps(snapshotDir, pid),
      };
    }),
  );
  process.kill(pids[0]!, 'SIGUSR2');
  await sleep(20_000);

  console.log(
    `\nSpeaker at scale (3 nodes, ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; entry: ${speakerEntry.join(' ')})\n`,
  );
  console.log('| measurement | 3 speakers |');
  console.log('|---|---|');
  console.log(
    `| RSS (anon) idle, no Service (MiB) | ${range(idle.map((p) => p.rssMiB))} (${range(idle.map((p) => p.anonMiB))}) |`,
  );
  console.log(
    `| created ${services} Services + ${services * slicesPerService} EndpointSlices (s) | ${createdS.toFixed(0)} (last IP answered after ${answeredS.toFixed(0)}) |`,
  );
  console.log(
    `| RSS (anon) with them, idle (MiB) | ${range(after.map((p) => p.rssMiB))} (${range(after.map((p) => p.anonMiB))}) |`,
  );
  console.log(`| every ServiceL2Status written (s) | ${writtenS.toFixed(0)} |`);
  console.log(`| CPU-s/min idle with them, from 20 s after that | ${range(cpu, 2)} |`);
  console.log(
    '\n| speaker | RSS (anon) idle, no Service (MiB) | RSS (anon) with them (MiB) | CPU-s/min idle with them | by thread |',
  );
  console.log('|---|---|---|---|---|');
  for (const i of pids.keys()) {
    const [a, b] = [idle[i]!, after[i]!];
    console.log(
      `| ${describeVariant(i)} | ${a.rssMiB.toFixed(0)} (${a.anonMiB.toFixed(0)}) | ${b.rssMiB.toFixed(0)} (${b.anonMiB.toFixed(0)}) | ${cpu[i]!.toFixed(2)} | ${describeThreadCpu(threadsBefore[i]!, threadsAfter[i]!, idleSeconds)} |`,
    );
  }
  console.log(
    '\nWhere the memory goes, with them (MiB; smaps Rss by kind of mapping, V8 heaps from a diagnostic report)\n',
  );
  console.log(formatBreakdown(breakdown));
  const [file] = (await readdir(snapshotDir)).filter((f) => f.endsWith('.heapsnapshot'));
  if (file !== undefined) {
    const { total, groups } = await summarizeHeapSnapshot(path.join(snapshotDir, file));
    console.log(`\nHeap snapshot of ${NODE_NAMES[0]}: ${(total / 2 ** 20).toFixed(1)} MiB self size\n`);
    console.log('| group | MiB | count |');
    console.log('|---|---|---|');
    for (const g of groups) console.log(`| ${g.name} | ${(g.bytes / 2 ** 20).toFixed(2)} | ${g.count} |`);
  }
  for (const h of t.nodes) await t.kill(h, 'SIGTERM');
} finally {
  await t.destroy();
  await rm(snapshotDir, { recursive: true, force: true });
}
