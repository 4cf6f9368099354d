/**
 * Controller benchmark against a real kube-apiserver (tools/envtest); prints a markdown table.
 *
 *   npm run bench -w @baremetal-lb/controller          (BENCH_SERVICES=5000 by default)
 *   BMLB_CONTROLLER_BUILT=1 npm run bench -w ...        (the controller's bundle/main.js, as the image runs it;
 *                                                        `npm run bundle` first; =dist: dist/main.js)
 *
 * 1. The API server alone: create the Services, then the controller's writes per Service (one
 *    status patch carrying the annotation, one event) by a plain client at its concurrency.
 *    That is the ceiling for (2): the controller cannot be faster than the server it writes to.
 * 2. The Services exist, then their pool appears: time until every one has an ingress IP
 *    (watched from the bench side), in Services per second; controller CPU meanwhile.
 * 3. Restart with all assigned: SIGTERM, start a new process, time to /readyz (assignments
 *    restored) and to every Service reconciled; IPs changed (must be 0) and Service writes.
 * 4. Resident memory of the controller at that size, 3 s and BENCH_SETTLE_S (30) s after (2) and
 *    after (3), with where it is by mapping (/proc/PID/smaps); with HEAP_SNAPSHOT=1 also a heap
 *    snapshot of the restarted controller, summarised by type and constructor.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { installCrds, startEnvtest } from '@baremetal-lb/envtest';
import { ListWatch, type Service } from '@baremetal-lb/kube';
import { type HeapGroup, summarizeHeapSnapshot } from '@baremetal-lb/lab';
import { ControllerProcess } from '../test/support/controller-process.ts';
import { TestCluster, waitFor } from '../test/support/test-cluster.ts';
import { type MemoryMap, readMemoryMap } from './memory-map.ts';

const count = Number(process.env.BENCH_SERVICES ?? 5_000);
/** The controller's --workers, and the plain client's requests in flight in (1). */
const concurrency = Number(process.env.BENCH_WORKERS ?? 32);
// The controller runs with the Node options of the image and `npm run start:built` (package.json);
// from the sources without --lite-mode, which disables WebAssembly and so Node's type stripping.
process.env.BMLB_CONTROLLER_NODE_FLAGS ??= process.env.BMLB_CONTROLLER_BUILT
  ? '--optimize-for-size --lite-mode'
  : '--optimize-for-size';
const ns = 'bench';
const crds = path.resolve(import.meta.dirname, '../../../deploy/crds');
const rows: Array<[string, string]> = [];
const memoryMaps: Array<[string, MemoryMap]> = [];
/** When memory counts as settled after a burst (BENCH_SETTLE_S, default 30). */
const settleMs = Math.max(3, Number(process.env.BENCH_SETTLE_S ?? 30)) * 1000;

async function parallel(n: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** RSS and, in brackets, its anonymous part (the rest is mapped files, mostly the node binary). */
async function rss(pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) =>
    (Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(0);
  return `${mb('VmRSS')} MiB (anon ${mb('RssAnon')} MiB)`;
}

/** utime + stime of a process, in seconds (USER_HZ = 100). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function heapMb(controller: ControllerProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${await controller.metricsPort()}/metrics`)).text();
  if (process.env.BENCH_DEBUG)
    console.log(
      text
        .split('\n')
        .filter(
          (l) =>
            /^(nodejs_heap_size|nodejs_external|process_resident)/.test(l) ||
            /nodejs_heap_space_size_used_bytes/.test(l),
        )
        .join('\n'),
    );
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? 0) / 2 ** 20;
}

/**
 * Memory 3 s after the work is done (garbage of the burst not yet collected) and again once V8's
 * memory reducer, which waits for the allocation rate to drop, has had time to run. Returns the
 * table rows; the memory map is taken at the second point.
 */
async function measureMemory(controller: ControllerProcess, phase: string): Promise<Array<[string, string]>> {
  const measured: Array<[string, string]> = [];
  for (const [label, waitMs] of [
    ['3 s', 3_000],
    [`${settleMs / 1000} s`, settleMs - 3_000],
  ] as const) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    measured.push([
      `controller memory ${phase}, ${label} later (RSS / JS heap used)`,
      `${await rss(controller.pid)} / ${(await heapMb(controller)).toFixed(0)} MiB`,
    ]);
  }
  memoryMaps.push([`${phase}, ${settleMs / 1000} s later`, await readMemoryMap(controller.pid)]);
  return measured;
}

async function reconciled(controller: ControllerProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${await controller.metricsPort()}/metrics`)).text();
  return Number(/reconciles_total\{kind="service",result="success"\} (\d+)/.exec(text)?.[1] ?? 0);
}

function probeEvent(name: string) {
  return {
    metadata: { generateName: 'probe-' },
    eventTime: new Date().toISOString().replace('Z', '000Z'),
    reportingController: 'bench',
    reportingInstance: 'bench',
    action: 'Probe',
    reason: 'Probe',
    note: 'probe',
    type: 'Normal',
    regarding: { apiVersion: 'v1', kind: 'Service', namespace: ns, name },
  };
}

const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-controller-bench-'));
if (process.env.HEAP_SNAPSHOT === '1') {
  process.env.BMLB_CONTROLLER_NODE_FLAGS += ` --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
}
let heap: { total: number; groups: HeapGroup[] } | undefined;
const envtest = await startEnvtest({ dir });
let controller: ControllerProcess | undefined;
try {
  await installCrds(envtest.kubeconfigPath, crds);
  const cluster = new TestCluster(envtest.kubeconfigPath);
  await cluster.createNamespace('metallb-system');
  await cluster.createNamespace(ns);

  // A watcher from the bench side, present in every phase (the API server serves it each event).
  let assigned = 0;
  const seen = new Map<string, string>();
  const servicesPath = `/api/v1/namespaces/${ns}/services`;
  const informer = new ListWatch<Service>(cluster.client, servicesPath);
  const observe = (service: Service) => {
    const ips = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).join(',');
    if (ips === '') return;
    if (!seen.has(service.metadata.name)) assigned++;
    seen.set(service.metadata.name, ips);
  };
  informer.on('add', observe);
  informer.on('update', observe);
  await informer.start();

  // (1) The API server alone.
  let started = performance.now();
  await parallel(count, async (i) => {
    await cluster.createService(ns, `svc-${i}`, { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] });
  });
  const createRate = count / ((performance.now() - started) / 1000);
  rows.push([
    `API server alone: create ${count} Services (${concurrency} in flight)`,
    `${createRate.toFixed(0)} /s`,
  ]);
  const condition = {
    type: 'Probe',
    status: 'True',
    reason: 'Probe',
    message: '',
    lastTransitionTime: '2026-01-01T00:00:00Z',
  };
  started = performance.now();
  await parallel(count, async (i) => {
    const probe = { metadata: { annotations: { 'bench/probe': 'x' } }, status: { conditions: [condition] } };
    await cluster.client.request('PATCH', `/api/v1/namespaces/${ns}/services/svc-${i}/status`, {
      contentType: 'application/merge-patch+json',
      body: probe,
    });
    await cluster.client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      body: probeEvent(`svc-${i}`),
    });
  });
  const rawRate = count / ((performance.now() - started) / 1000);
  rows.push([
    `API server alone: the controller's writes per Service (status patch with annotation, event; ${concurrency} in flight)`,
    `${rawRate.toFixed(0)} Services/s`,
  ]);

  // (2) The controller assigns all of them once the pool appears.
  const args = [`--kubeconfig=${envtest.kubeconfigPath}`, '--log-level=warn', `--workers=${concurrency}`];
  controller = await ControllerProcess.start('bench-1', args);
  await waitFor('readiness', () => controller!.ready(), 60_000, 20);
  // Let it finish its first pass (every Service pending: there is no pool yet), so that only the
  // assignment is timed.
  await waitFor('the first pass', async () => (await reconciled(controller!)) >= count, 120_000, 20);
  const cpuBefore = await cpuSeconds(controller.pid);
  started = performance.now();
  await cluster.applyPool('metallb-system', 'bench', { addresses: ['2001:db8:be::/112'] });
  await waitFor('all assigned', () => assigned >= count, 600_000, 10);
  const assignSeconds = (performance.now() - started) / 1000;
  const cpuUsed = (await cpuSeconds(controller.pid)) - cpuBefore;
  if (process.env.BENCH_DEBUG) {
    const text = await (await fetch(`http://127.0.0.1:${await controller.metricsPort()}/metrics`)).text();
    console.log(
      text
        .split('\n')
        .filter((l) =>
          /reconcile_duration_seconds_(sum|count)|api_requests_total|reconciles_total|eventloop_lag_(mean|max)/.test(
            l,
          ),
        )
        .join('\n'),
    );
  }
  rows.push([
    `controller: pool created -> ${count} Services with an ingress IP`,
    `${assignSeconds.toFixed(1)} s = ${(count / assignSeconds).toFixed(0)} Services/s`,
  ]);
  rows.push([
    'controller CPU while assigning',
    `${cpuUsed.toFixed(1)} s (${((100 * cpuUsed) / assignSeconds).toFixed(0)}% of one core)`,
  ]);
  rows.push(...(await measureMemory(controller, `with ${count} assigned`)));

  // (3) Restart with everything assigned.
  const before = new Map(seen);
  await controller.stop();
  started = performance.now();
  controller = await ControllerProcess.start('bench-2', args);
  await waitFor('readiness after restart', () => controller!.ready(), 60_000, 10);
  const readyMs = performance.now() - started;
  await waitFor(
    'every Service reconciled',
    async () => (await reconciled(controller!)) >= count,
    120_000,
    20,
  );
  const drainedMs = performance.now() - started;
  // Also gives the watch 3 s to deliver any IP change.
  const restartMemory = await measureMemory(controller, `after restart with ${count}`);
  let changed = 0;
  for (const [name, ips] of seen) if (before.get(name) !== ips) changed++;
  const writes = (await controller.metric('metallb_k8s_client_updates_total')) ?? 0;
  rows.push([
    `restart with ${count} assigned: process start -> /readyz (assignments restored)`,
    `${(readyMs / 1000).toFixed(2)} s`,
  ]);
  rows.push([
    `restart: process start -> all ${count} Services reconciled`,
    `${(drainedMs / 1000).toFixed(2)} s`,
  ]);
  rows.push(['restart: IPs changed / API writes by the new process', `${changed} / ${writes}`]);
  rows.push(...restartMemory);
  if (process.env.HEAP_SNAPSHOT === '1') {
    process.kill(controller.pid, 'SIGUSR2');
    const file = await waitFor(
      'heap snapshot',
      async () => (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot')),
      60_000,
    );
    // Written in one go but not atomically: give it a moment to finish.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    heap = await summarizeHeapSnapshot(path.join(dir, file));
  }
  await informer.stop();
  await cluster.close();
} finally {
  await controller?.stop();
  await envtest.stop();
  await rm(dir, { recursive: true, force: true });
}

const cpu = cpus()[0]?.model ?? 'unknown';
console.log(
  `\nmachine: ${cpus().length} x ${cpu}, Node ${process.version}; kube-apiserver and etcd (tools/envtest) on the same machine; controller: node ${process.env.BMLB_CONTROLLER_NODE_FLAGS} ${{ '1': 'bundle/main.js (as the image runs it)', dist: 'dist/main.js (tsc output, unbundled)' }[process.env.BMLB_CONTROLLER_BUILT ?? ''] ?? '--conditions=@baremetal-lb/source src/main.ts (TypeScript sources, type stripping)'}\n`,
);
console.log('| measurement | result |');
console.log('|---|---|');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
console.log(`\nResident memory of the controller by mapping (/proc/PID/smaps), MiB\n`);
// Groups under 0.1 MiB everywhere (vdso, vsyscall) left out.
const groupNames = [
  ...new Set(memoryMaps.flatMap(([, map]) => map.filter(([, kb]) => kb >= 100).map(([group]) => group))),
];
console.log(`| mapping | ${memoryMaps.map(([phase]) => phase).join(' | ')} |`);
console.log(`|---|${memoryMaps.map(() => '---').join('|')}|`);
for (const group of groupNames) {
  const cells = memoryMaps.map(([, map]) => ((map.find(([g]) => g === group)?.[1] ?? 0) / 1024).toFixed(1));
  console.log(`| ${group} | ${cells.join(' | ')} |`);
}
if (heap !== undefined) {
  console.log(
    `\nHeap snapshot of the restarted controller: ${(heap.total / 2 ** 20).toFixed(1)} MiB self size\n`,
  );
  console.log('| group | MiB | count |');
  console.log('|---|---|---|');
  for (const g of heap.groups) console.log(`| ${g.name} | ${(g.bytes / 2 ** 20).toFixed(2)} | ${g.count} |`);
}
