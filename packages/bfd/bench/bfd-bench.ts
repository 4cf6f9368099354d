/**
 * BFD benchmarks; prints tables (README.md "Figures"). Sections, chosen with BFD_BENCH
 * (comma-separated, default all): codec, detection, soak, scale. The network ones need root,
 * tcpdump and FRR (they run in network namespaces of their own) and are skipped loudly without.
 *
 *   codec      packets/s through encode+sign and decode+verify, per auth type
 *   detection  hard kill of one side, detection time measured on the wire, 50 ms × 3 and
 *              300 ms × 3, both directions (BFD_DETECTION_RUNS, default 20)
 *   soak       session flaps over BFD_SOAK_SECONDS (default 60) at 50 ms × 3 and 300 ms × 3, with
 *              both cores saturated by other processes and the speaker's main thread stalled
 *              250 ms every second; endpoint on the main thread, in a worker, in a SCHED_FIFO
 *              worker (BFD_SOAK="50:fifo,300:main" picks rows)
 *   scale      CPU and memory per session: 1 and 100 sessions at 300 ms, 1 and 20 at 50 ms
 *              (multihop sessions, see scaleBench)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { checkPrerequisites, createLab, type Lab, type LabHost } from '@baremetal-lb/lab';
import { buildAuthSection, signPacketInto, verifyPacketAuth } from '../src/authenticate-packet.ts';
import { AuthType, BfdState } from '../src/bfd-constants.ts';
import { decodeControlPacket, encodeControlPacket, encodeControlPacketInto } from '../src/control-packet.ts';
import { sampleControlPacket } from '../src/testing/sample-control-packet.ts';
import {
  longGaps,
  measureDetection,
  sinceLastPacket,
  startCapture,
  transmitGaps,
} from '../tests/bfd-capture.ts';
import { startFrrBfdd, waitFor } from '../tests/router-daemons.ts';
import { type BfdPeerProcess, spawnBfdProcess } from '../tests/spawn-bfd-peer.ts';
import { startArpNdpStorm } from './arp-ndp-storm.ts';

const sections = new Set((process.env.BFD_BENCH ?? 'codec,detection,soak,scale').split(','));
const detectionRuns = Number(process.env.BFD_DETECTION_RUNS ?? 20);
const soakSeconds = Number(process.env.BFD_SOAK_SECONDS ?? 60);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function codecBench(): void {
  const packet = sampleControlPacket();
  const rows: string[][] = [];
  for (const [name, type] of [
    ['none', undefined],
    ['keyed MD5', AuthType.keyedMd5],
    ['meticulous keyed SHA1', AuthType.meticulousKeyedSha1],
  ] as const) {
    const key = type === undefined ? undefined : { type, keyId: 1, secret: Buffer.from('secret') };
    const withAuth = key === undefined ? packet : { ...packet, auth: buildAuthSection(key, 1) };
    const buf = Buffer.alloc(64);
    const n = 200_000;
    let start = performance.now();
    for (let i = 0; i < n; i++) {
      const length = encodeControlPacketInto(withAuth, buf, 0);
      if (key !== undefined) signPacketInto(buf, 0, length, key);
    }
    const encodeRate = n / ((performance.now() - start) / 1000);
    const wire = encodeControlPacket(withAuth);
    if (key !== undefined) signPacketInto(wire, 0, wire.length, key);
    start = performance.now();
    for (let i = 0; i < n; i++) {
      const decoded = decodeControlPacket(wire);
      if (key !== undefined && !verifyPacketAuth(wire, 0, decoded, key)) throw new Error('verify failed');
    }
    const decodeRate = n / ((performance.now() - start) / 1000);
    rows.push([name, `${Math.round(encodeRate / 1000)}k`, `${Math.round(decodeRate / 1000)}k`]);
  }
  printTable('codec (packets/s, one thread)', ['auth', 'encode+sign', 'decode+verify'], rows);
}

function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

type Net = { lab: Lab; speaker: LabHost; router: LabHost };

async function withLab<T>(body: (net: Net) => Promise<T>): Promise<T> {
  const lab = await createLab({
    nodes: ['speaker', 'router'],
    bridge: 'none',
    ipv4Subnet: '198.51.100.0/24',
    ipv6Prefix: '2001:db8:bfd::/64',
  });
  try {
    return await body({ lab, speaker: lab.nodes[0]!, router: lab.nodes[1]! });
  } finally {
    await lab.destroy();
  }
}

const upChange = (c: { to: number }) => c.to === BfdState.up;

/** Who times our sessions in the detection rows: BfdWorker's two pacers (worker at SCHED_FIFO 10). */
const PACERS = [
  { pacer: 'js', label: 'JS worker', address: '' },
  { pacer: 'native', label: 'native pacer', address: '198.51.100.21' },
] as const;

/**
 * Both pacers in the same runs: one process each (JS worker from the speaker's own address,
 * native pacer from a second one), one bfdd with a session to each, killed at the same moment.
 */
async function detectionBench(net: Net): Promise<void> {
  const rows: string[][] = [];
  await net.speaker.addAddress(`${PACERS[1].address}/24`);
  const addressOf = (p: (typeof PACERS)[number]) => p.address || net.speaker.ipv4;
  for (const intervalMs of [50, 300]) {
    const theory = 3 * intervalMs;
    const routerOptions = {
      peer: net.speaker.ipv4,
      local: net.router.ipv4,
      receiveMs: intervalMs,
      transmitMs: intervalMs,
      multiplier: 3,
      morePeers: [{ peer: PACERS[1].address, intervalMs }],
      realtimePriority: 50,
    };
    const spawnOurs = () =>
      Promise.all(
        PACERS.map((p) =>
          spawnBfdProcess({
            netns: net.speaker.namespace,
            listenAddress: addressOf(p),
            pacer: p.pacer,
            realtimePriority: 10,
            specs: [
              {
                peerAddress: net.router.ipv4,
                localAddress: addressOf(p),
                transmitIntervalMs: intervalMs,
                receiveIntervalMs: intervalMs,
              },
            ],
          }),
        ),
      );
    const results = PACERS.map(() => ({ log: [] as number[], packet: [] as number[], ours: [] as number[] }));
    const anomalies: string[] = [];
    // FRR detects our hard kill.
    const frr = await startFrrBfdd(net.router, routerOptions);
    try {
      for (let run = 0; run < detectionRuns; run++) {
        const ours = await spawnOurs();
        let capture: Awaited<ReturnType<typeof startCapture>> | undefined;
        try {
          await Promise.all(
            ours.map((o, i) =>
              o.waitForChange(upChange, 15_000).catch(async (error) => {
                const report = await o.report();
                throw new Error(
                  `${PACERS[i]!.label} run ${run}: not Up: ${JSON.stringify({ report, frr: await frr.session() })}`,
                  { cause: error },
                );
              }),
            ),
          );
          await waitFor(
            async () => ((await frr.counters!()).up === PACERS.length ? true : undefined),
            15_000,
          );
          capture = await startCapture(net.router);
          await sleep(2 * theory);
          const killedAtUs = Date.now() * 1000;
          for (const o of ours) o.kill();
          const downs = await Promise.all(
            PACERS.map((p) =>
              waitFor(
                async () =>
                  frr.stateChanges!.find(
                    (c) =>
                      c.reason === 'control-expired' && c.timeUs >= killedAtUs && c.peer === addressOf(p),
                  ),
                10_000,
              ).catch((error) => {
                const seen = frr.stateChanges!.filter((c) => c.peer === addressOf(p)).slice(-4);
                throw new Error(
                  `${p.label}: no control-expired after ${killedAtUs}: ${JSON.stringify(seen)}`,
                  {
                    cause: error,
                  },
                );
              }),
            ),
          );
          const packets = await capture.stop();
          capture = undefined;
          PACERS.forEach((p, i) => {
            results[i]!.log.push(sinceLastPacket(packets, addressOf(p), downs[i]!.timeUs, net.router.ipv4));
            results[i]!.packet.push(measureDetection(packets, addressOf(p), net.router.ipv4, killedAtUs));
          });
        } catch (error) {
          // A run whose setup failed (a session not Up in time, a flap before the kill) is left
          // out and said so, rather than ending the whole measurement.
          anomalies.push(`${intervalMs} ms, FRR detects, run ${run}: ${(error as Error).message}`);
          for (const o of ours) o.kill();
          await capture?.stop().catch(() => undefined);
        }
      }
    } finally {
      await frr.stop();
    }
    // We detect FRR's hard kill.
    const ours = await spawnOurs();
    try {
      const count = (o: BfdPeerProcess, to: number) => o.changes.filter((c) => c.to === to).length;
      for (let run = 0; run < detectionRuns; run++) {
        const upsBefore = ours.map((o) => count(o, BfdState.up));
        const router = await startFrrBfdd(net.router, routerOptions);
        let capture: Awaited<ReturnType<typeof startCapture>> | undefined;
        try {
          await Promise.all(
            ours.map((o, i) => o.waitForChange(() => count(o, BfdState.up) > upsBefore[i]!, 15_000)),
          );
          capture = await startCapture(net.speaker);
          await sleep(2 * theory);
          const downsBefore = ours.map((o) => count(o, BfdState.down));
          const killedAtUs = Date.now() * 1000;
          router.kill();
          await Promise.all(
            ours.map((o, i) => o.waitForChange(() => count(o, BfdState.down) > downsBefore[i]!, 10_000)),
          );
          await sleep(20);
          const packets = await capture.stop();
          capture = undefined;
          PACERS.forEach((p, i) => {
            results[i]!.ours.push(measureDetection(packets, net.router.ipv4, addressOf(p), killedAtUs));
          });
        } catch (error) {
          anomalies.push(`${intervalMs} ms, we detect, run ${run}: ${(error as Error).message}`);
          await capture?.stop().catch(() => undefined);
        } finally {
          await router.stop();
        }
      }
    } finally {
      await Promise.all(ours.map((o) => o.stop()));
    }
    for (const anomaly of anomalies) console.log(`left out: ${anomaly.slice(0, 2000)}`);
    PACERS.forEach((p, i) => {
      const r = results[i]!;
      for (const [who, values] of [
        ['FRR detects our kill (bfdd log)', r.log],
        ['FRR detects our kill (its Down packet)', r.packet],
        ['we detect FRR kill (our Down packet)', r.ours],
      ] as const) {
        const p99 = percentile(values, 99);
        rows.push([
          `${intervalMs} ms × 3`,
          p.label,
          who,
          String(values.length),
          String(theory),
          percentile(values, 50).toFixed(1),
          p99.toFixed(1),
          Math.max(...values).toFixed(1),
          (p99 / theory).toFixed(2),
        ]);
      }
    });
  }
  printTable(
    "detection after a hard kill (both pacers in the same runs, our workers at SCHED_FIFO 10, FRR's bfdd at SCHED_FIFO 50): from the dead side's last packet on the wire to the survivor's Down (bfdd's own log line, or the first Down/diag 1 packet on the wire)",
    ['interval', 'our timing', 'direction', 'runs', 'theory ms', 'p50 ms', 'p99 ms', 'max ms', 'p99/theory'],
    rows,
  );
}

function startCpuHogs(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
}

const SOAK_CONFIGS = [
  { name: 'main', label: 'main thread (JS)', options: { thread: 'main' } },
  { name: 'worker', label: 'JS worker, normal', options: { thread: 'worker', pacer: 'js' } },
  {
    name: 'fifo',
    label: 'JS worker, SCHED_FIFO 10',
    options: { thread: 'worker', pacer: 'js', realtimePriority: 10 },
  },
  {
    name: 'native',
    label: 'native pacer, SCHED_FIFO 11 (worker 10)',
    options: { thread: 'worker', pacer: 'native', realtimePriority: 10 },
  },
] as const;
/** BFD_SOAK: which rows, e.g. "50:fifo,50:native" (default every interval × every config). */
const soakRows = process.env.BFD_SOAK?.split(',');
const stormPerSecond = Number(process.env.BFD_STORM_PER_SECOND ?? 20_000);
/** The service IPs the storm asks for and every speaker process answers. */
const SERVICE = { ipv4: '198.51.100.200', ipv6: '2001:db8:bfd::200' };

/**
 * Every selected row at once, for BFD_SOAK_SECONDS: one speaker process per configuration with a
 * session per interval (each from its own address), one bfdd (SCHED_FIFO 50) with a session to
 * each, two CPU-bound processes, every speaker process's main thread busy 250 ms of each second
 * and answering an ARP/NDP request storm (BFD_STORM_PER_SECOND, default 20 000 requests/s).
 */
async function soakBench(net: Net): Promise<void> {
  const selected = [50, 300].flatMap((intervalMs) =>
    SOAK_CONFIGS.filter((c) => soakRows === undefined || soakRows.includes(`${intervalMs}:${c.name}`)).map(
      (config) => ({ intervalMs, config }),
    ),
  );
  const rows = selected.map((row, i) => ({ ...row, address: `198.51.100.${101 + i}` }));
  for (const row of rows) await net.speaker.addAddress(`${row.address}/24`);
  const [first, ...more] = rows;
  if (first === undefined) return;
  const frr = await startFrrBfdd(net.router, {
    peer: first.address,
    local: net.router.ipv4,
    receiveMs: first.intervalMs,
    transmitMs: first.intervalMs,
    multiplier: 3,
    morePeers: more.map((r) => ({ peer: r.address, intervalMs: r.intervalMs })),
    realtimePriority: 50,
  });
  // One process per row, each with its receive sockets on its own address.
  const processes: BfdPeerProcess[] = [];
  const hogs: ChildProcess[] = [];
  const downs = (i: number) => processes[i]!.changes.filter((c) => c.to === BfdState.down).length;
  try {
    for (const row of rows) {
      processes.push(
        await spawnBfdProcess({
          netns: net.speaker.namespace,
          listenAddress: row.address,
          ...row.config.options,
          specs: [
            {
              peerAddress: net.router.ipv4,
              localAddress: row.address,
              transmitIntervalMs: row.intervalMs,
              receiveIntervalMs: row.intervalMs,
            },
          ],
          stall: { everyMs: 1000, forMs: 250 },
          responder: { ifname: net.speaker.ifname, mac: net.speaker.mac, ...SERVICE },
        }),
      );
    }
    await Promise.all(processes.map((p) => p.waitForChange(upChange, 15_000)));
    await waitFor(async () => ((await frr.counters!()).up === rows.length ? true : undefined), 15_000);
    await sleep(1000);
    const downsBefore = rows.map((_, i) => downs(i));
    const before = await frr.counters!();
    const capture = await startCapture(net.speaker);
    const storm = startArpNdpStorm(net.router, SERVICE, stormPerSecond);
    hogs.push(...startCpuHogs(2));
    const loads: number[] = [];
    const started = performance.now();
    while (performance.now() - started < soakSeconds * 1000) {
      await sleep(Math.min(10_000, soakSeconds * 1000 - (performance.now() - started)));
      loads.push(loadavg()[0]!);
    }
    for (const hog of hogs.splice(0)) hog.kill('SIGKILL');
    const stormSent = await storm.stop();
    const after = await frr.counters!();
    const reports = await Promise.all(processes.map((p) => p.report()));
    const packets = await capture.stop();
    const table = rows.map((row, i) => {
      const gaps = transmitGaps(packets, row.address);
      const routerGaps = transmitGaps(packets, net.router.ipv4, row.address);
      // A long gap of ours is the machine's when bfdd (SCHED_FIFO 50) had one at the same time.
      const threshold = 1.5 * row.intervalMs;
      const routerLong = rows
        .filter((r) => r.intervalMs === row.intervalMs)
        .flatMap((r) => longGaps(packets, threshold, net.router.ipv4, r.address));
      const ourLong = longGaps(packets, threshold, row.address);
      const shared = ourLong.filter((g) => routerLong.some((r) => r.fromUs < g.toUs && g.fromUs < r.toUs));
      const report = reports[i]!;
      return [
        `${row.intervalMs} ms × 3`,
        row.config.label,
        String(soakSeconds),
        String(downs(i) - downsBefore[i]!),
        String((after.sessionDownByPeer[row.address] ?? 0) - (before.sessionDownByPeer[row.address] ?? 0)),
        percentile(gaps, 99.9).toFixed(1),
        Math.max(...gaps).toFixed(1),
        `${ourLong.length} (${shared.length})`,
        Math.max(...routerGaps).toFixed(1),
        report.stats.pacerMaxLateUs === undefined ? '–' : (report.stats.pacerMaxLateUs / 1000).toFixed(1),
        String(report.answered),
      ];
    });
    printTable(
      `false Downs, all rows in the same ${soakSeconds} s: 2 CPU-bound processes, every speaker process's main thread busy 250 ms of each 1000 ms and answering an ARP/NDP storm (${stormSent} requests sent, ${(stormSent / soakSeconds).toFixed(0)}/s), FRR bfdd at SCHED_FIFO 50; load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; capture: ${packets.length} packets, ${capture.droppedByKernel ?? '?'} lost by tcpdump`,
      [
        'interval',
        'our timing',
        'seconds',
        'our Downs',
        'FRR Downs',
        'our TX gap p99.9 ms',
        'max ms',
        'our gaps > 1.5× (with FRR gap)',
        'FRR TX gap max ms',
        'pacer max late ms',
        'ARP/NDP answered',
      ],
      table,
    );
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.stop()));
    await frr.stop();
  }
}

async function scaleBench(net: Net): Promise<void> {
  const rows: string[][] = [];
  const extra = Array.from({ length: 100 }, (_, i) => `203.0.113.${i + 1}`);
  for (const address of extra) await net.router.addAddress(`${address}/24`);
  await net.speaker.addOnLinkRoute('203.0.113.0/24');
  const measureSeconds = 20;
  const rss = new Map<string, number>();
  for (const [intervalMs, count] of [
    [300, 1],
    [300, 100],
    [50, 1],
    [50, 20],
  ] as const) {
    const locals = extra.slice(0, count);
    const frr = await startFrrBfdd(net.router, {
      peer: net.speaker.ipv4,
      local: locals[0]!,
      locals,
      // FRR keys single-hop sessions by peer and interface, so 100 sessions from one speaker
      // address to 100 router addresses need multihop (RFC 5883, port 4784) on FRR's side.
      multihop: true,
      realtimePriority: 50,
      receiveMs: intervalMs,
      transmitMs: intervalMs,
      multiplier: 3,
    });
    let ours: BfdPeerProcess | undefined;
    try {
      ours = await spawnBfdProcess({
        netns: net.speaker.namespace,
        realtimePriority: 10,
        specs: locals.map((peerAddress) => ({
          peerAddress,
          localAddress: net.speaker.ipv4,
          multihop: true,
          transmitIntervalMs: intervalMs,
          receiveIntervalMs: intervalMs,
        })),
      });
      await waitFor(async () => ((await frr.counters!()).up === count ? true : undefined), 30_000);
      await sleep(2000);
      const first = await ours.report();
      const downsBefore = (await frr.counters!()).sessionDown;
      const start = performance.now();
      await sleep(measureSeconds * 1000);
      const second = await ours.report();
      const seconds = (performance.now() - start) / 1000;
      const cpuUs = second.cpuUs.user + second.cpuUs.system - first.cpuUs.user - first.cpuUs.system;
      const cpuPercent = (cpuUs / 1e6 / seconds) * 100;
      const packets =
        second.stats.sent +
        (second.stats.received.accepted ?? 0) -
        first.stats.sent -
        (first.stats.received.accepted ?? 0);
      const downs = (await frr.counters!()).sessionDown - downsBefore;
      rss.set(`${intervalMs}/${count}`, second.memory.rss);
      rows.push([
        `${intervalMs} ms × 3`,
        String(count),
        (packets / seconds).toFixed(0),
        cpuPercent.toFixed(2),
        (cpuPercent / count).toFixed(3),
        (second.memory.rss / 2 ** 20).toFixed(1),
        (second.memory.heapUsed / 2 ** 20).toFixed(1),
        String(downs),
      ]);
    } finally {
      await ours?.stop();
      await frr.stop();
    }
  }
  printTable(
    `sessions against FRR (multihop, both sides SCHED_FIFO): speaker process CPU and memory over ${measureSeconds} s, process = main + BFD worker thread`,
    [
      'interval',
      'sessions',
      'packets/s in+out',
      'CPU % of a core',
      'per session',
      'RSS MiB',
      'main heap MiB',
      'FRR Downs',
    ],
    rows,
  );
  const perSession = ((rss.get('300/100') ?? 0) - (rss.get('300/1') ?? 0)) / 99 / 1024;
  console.log(`memory per session (RSS, 100 vs 1 session at 300 ms): ${perSession.toFixed(0)} KiB`);
}

console.log(
  `node ${process.version}, ${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, sections: ${[...sections].join(',')}`,
);
if (sections.has('codec')) codecBench();
process.on('exit', () =>
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ),
);
const network = ['detection', 'soak', 'scale'].filter((s) => sections.has(s));
if (network.length > 0) {
  const ready = checkPrerequisites('bfd network benchmarks', {
    root: true,
    commands: [
      { name: 'tcpdump', debianPackage: 'tcpdump' },
      { name: 'vtysh', debianPackage: 'frr' },
    ],
  });
  if (ready) {
    await withLab(async (net) => {
      if (sections.has('detection')) await detectionBench(net);
      if (sections.has('scale')) await scaleBench(net);
      if (sections.has('soak')) await soakBench(net);
    });
  }
}
