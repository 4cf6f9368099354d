/**
 * BGP session benchmarks against BIRD 2 in network namespaces (root, bird2); prints tables for
 * README.md. Sections (BGP_BENCH, comma-separated, default all):
 *
 *   bulk       10,000 /32s announced from Established until BIRD's RIB holds all of them, then
 *              withdrawn until it holds none (BGP_BULK_RUNS rounds, default 5)
 *   latency    one route: announce() → the route's arrival time in BIRD's RIB (BIRD stamps each
 *              route with microseconds), BGP_LATENCY_SAMPLES samples (default 200)
 *   idle       50 concurrent sessions (50 speakers, one per local address, to one BIRD): heap and
 *              RSS per peer, CPU over BGP_IDLE_SECONDS (default 60) of keepalives only
 */
import { cpus, loadavg } from 'node:os';
import { checkPrerequisites, createLab, type LabHost } from '@baremetal-lb/lab';
import type { BgpPeer } from '../src/bgp-peer.ts';
import { BgpSpeaker } from '../src/bgp-speaker.ts';
import { SessionState } from '../src/session-state.ts';
import { createTcpTransport } from '../src/tcp-transport.ts';
import { type BirdProcess, spawnBird } from '../tests/bgp-routers.ts';
import { waitUntil } from '../tests/wait-until.ts';

const sections = new Set((process.env.BGP_BENCH ?? 'bulk,latency,idle').split(','));
const bulkRuns = Number(process.env.BGP_BULK_RUNS ?? 5);
const latencySamples = Number(process.env.BGP_LATENCY_SAMPLES ?? 200);
const idleSeconds = Number(process.env.BGP_IDLE_SECONDS ?? 60);
const IDLE_PEERS = 50;
const OUR_ASN = 64512;
const BIRD_ASN = 4200000000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log();
}

async function startBird(host: LabHost, neighbors: readonly string[], local: string): Promise<BirdProcess> {
  const config = [
    // Route timestamps with microseconds: the latency section reads arrival times from them.
    'timeformat route "%F %T.%6f";',
    `router id ${local};`,
    'protocol device {}',
    ...neighbors.map((neighbor, i) =>
      [
        `protocol bgp p${i} {`,
        `  local ${local} as ${BIRD_ASN};`,
        `  neighbor ${neighbor} as ${OUR_ASN};`,
        '  connect retry time 1;',
        '  ipv4 { import all; export none; gateway direct; };',
        '}',
      ].join('\n'),
    ),
    '',
  ].join('\n');
  return spawnBird(host, config);
}

async function routeCount(bird: BirdProcess): Promise<number> {
  const text = await bird.birdc('show', 'route', 'count');
  return Number(/(\d+) of \d+ routes/.exec(text)?.[1] ?? 0);
}

async function onePeer(
  speakerHost: LabHost,
  routerHost: LabHost,
): Promise<{ peer: BgpPeer; speaker: BgpSpeaker }> {
  const speaker = new BgpSpeaker({
    localAsn: OUR_ASN,
    routerId: speakerHost.ipv4,
    transport: createTcpTransport({ netns: speakerHost.namespacePath }),
  });
  const peer = speaker.addPeer({
    peerAddress: routerHost.ipv4,
    peerAsn: BIRD_ASN,
    localAddress: speakerHost.ipv4,
  });
  peer.start();
  await waitUntil(() => peer.state === SessionState.established, 30_000, 'Established');
  return { peer, speaker };
}

async function bulkBench(speakerHost: LabHost, routerHost: LabHost): Promise<void> {
  const bird = await startBird(routerHost, [speakerHost.ipv4], routerHost.ipv4);
  try {
    await bulkRounds(bird, speakerHost, routerHost);
  } finally {
    await bird.stop();
  }
}

async function bulkRounds(bird: BirdProcess, speakerHost: LabHost, routerHost: LabHost): Promise<void> {
  const { peer, speaker } = await onePeer(speakerHost, routerHost);
  const routes = Array.from({ length: 10_000 }, (_, i) => ({ prefix: `198.18.${i >> 8}.${i & 255}/32` }));
  const prefixes = routes.map((r) => r.prefix);
  const announce: number[] = [];
  const withdraw: number[] = [];
  for (let round = 0; round < bulkRuns; round++) {
    let start = performance.now();
    peer.announce(...routes);
    await waitUntil(async () => (await routeCount(bird)) === 10_000, 60_000, '10,000 routes in BIRD');
    announce.push(performance.now() - start);
    start = performance.now();
    peer.withdraw(...prefixes);
    await waitUntil(async () => (await routeCount(bird)) === 0, 60_000, 'no routes in BIRD');
    withdraw.push(performance.now() - start);
  }
  const updates = peer.status().counters.updatesSent;
  speaker.close();
  const fmt = (v: number[]) => [`${percentile(v, 50).toFixed(0)} ms`, `${Math.max(...v).toFixed(0)} ms`];
  console.log(
    `## bulk: 10,000 /32s, ${bulkRuns} rounds (${updates} UPDATEs sent in all), time until BIRD's RIB agrees`,
  );
  table(
    ['operation', 'median', 'max', 'goal'],
    [
      ['announce 10,000', ...fmt(announce), '≤ 1000 ms'],
      ['withdraw 10,000', ...fmt(withdraw), '≤ 1000 ms'],
    ],
  );
}

/** BIRD's arrival time of `prefix` (ms since the epoch), from its route timestamp. */
async function arrivalMs(bird: BirdProcess, prefix: string): Promise<number | undefined> {
  // birdc exits 1 with "Network not found".
  const text = await bird.birdc('show', 'route', 'for', prefix).catch(() => '');
  const match = /\[p0 (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{6})/.exec(text);
  if (match === null) return undefined;
  return new Date(`${match[1]!.replace(' ', 'T')}Z`).getTime() + Number(match[2]) / 1000;
}

async function latencyBench(speakerHost: LabHost, routerHost: LabHost): Promise<void> {
  // BIRD prints local time; the namespaces share the host's clock, and TZ=UTC makes it UTC.
  process.env.TZ = 'UTC';
  const bird = await startBird(routerHost, [speakerHost.ipv4], routerHost.ipv4);
  try {
    await latencySamplesOf(bird, speakerHost, routerHost);
  } finally {
    await bird.stop();
  }
}

async function latencySamplesOf(bird: BirdProcess, speakerHost: LabHost, routerHost: LabHost): Promise<void> {
  const { peer, speaker } = await onePeer(speakerHost, routerHost);
  const samples: number[] = [];
  for (let i = 0; i < latencySamples; i++) {
    const prefix = `203.0.113.${i % 200}/32`;
    const sent = performance.timeOrigin + performance.now();
    peer.announce({ prefix });
    // BIRD's timestamp is the measurement; polling only finds it. Each birdc is a process start
    // that competes for the 2 cores with BIRD and us, so the first look waits and later ones are sparse.
    await sleep(50);
    let arrived: number | undefined;
    await waitUntil(
      async () => {
        arrived = await arrivalMs(bird, prefix);
        return arrived !== undefined;
      },
      10_000,
      `${prefix} in BIRD`,
      100,
    );
    samples.push(arrived! - sent);
    peer.withdraw(prefix);
    await sleep(50);
    await waitUntil(async () => (await arrivalMs(bird, prefix)) === undefined, 10_000, 'withdrawn', 100);
  }
  speaker.close();
  console.log(
    `## latency: announce() → route in BIRD's RIB (BIRD's own microsecond timestamp), ${samples.length} samples`,
  );
  table(
    ['p50', 'p90', 'p99', 'max', 'goal'],
    [
      [50, 90, 99, 100]
        .map((p) => `${percentile(samples, p).toFixed(2)} ms`)
        .concat('p99 ≤ 20 ms') as string[],
    ],
  );
}

async function idleBench(speakerHost: LabHost, routerHost: LabHost): Promise<void> {
  const locals = Array.from({ length: IDLE_PEERS }, (_, i) => `203.0.113.${100 + i}`);
  for (const local of locals)
    await speakerHost.exec('ip', ['addr', 'add', `${local}/24`, 'dev', speakerHost.ifname]);
  await routerHost.exec('ip', ['addr', 'add', '203.0.113.1/24', 'dev', routerHost.ifname]);
  const bird = await startBird(routerHost, locals, '203.0.113.1');
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const transport = createTcpTransport({ netns: speakerHost.namespacePath });
  const speakers = locals.map((local) => {
    const speaker = new BgpSpeaker({ localAsn: OUR_ASN, routerId: local, transport });
    speaker
      .addPeer({ peerAddress: '203.0.113.1', peerAsn: BIRD_ASN, localAddress: local, holdTimeSeconds: 9 })
      .start();
    return speaker;
  });
  await waitUntil(
    () => speakers.every((s) => s.peers[0]!.state === SessionState.established),
    60_000,
    '50 sessions',
  );
  await sleep(2000);
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssAfter = process.memoryUsage().rss;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(idleSeconds * 1000);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  const stillUp = speakers.filter((s) => s.peers[0]!.state === SessionState.established).length;
  const keepalives = speakers.reduce((n, s) => n + s.peers[0]!.status().counters.keepalivesSent, 0);
  for (const s of speakers) s.close();
  await bird.stop();
  console.log(
    `## idle: ${IDLE_PEERS} sessions to BIRD, hold time 9 s (a KEEPALIVE every 3 s each), ${idleSeconds} s`,
  );
  table(
    ['sessions up at end', 'heap / peer', 'RSS / peer', 'CPU (user+sys) / wall', 'KEEPALIVEs sent'],
    [
      [
        `${stillUp} / ${IDLE_PEERS}`,
        `${((heapAfter - heapBefore) / IDLE_PEERS / 1024).toFixed(1)} KiB`,
        `${((rssAfter - rssBefore) / IDLE_PEERS / 1024).toFixed(1)} KiB`,
        `${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(3)} %`,
        String(keepalives),
      ],
    ],
  );
}

async function main(): Promise<void> {
  const ready = checkPrerequisites('bgp bench', {
    root: true,
    commands: [
      { name: 'ip', debianPackage: 'iproute2' },
      { name: 'bird', debianPackage: 'bird2' },
      { name: 'birdc', debianPackage: 'bird2' },
    ],
  });
  if (!ready) return;
  console.log(
    `# @baremetal-lb/bgp bench: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}\n`,
  );
  const lab = await createLab({
    nodes: ['speaker', 'router'],
    bridge: 'none',
    ipv4Subnet: '198.51.100.0/24',
    ipv6Prefix: '2001:db8:b96::/64',
  });
  try {
    const [speakerHost, routerHost] = lab.nodes as [LabHost, LabHost];
    if (sections.has('bulk')) await bulkBench(speakerHost, routerHost);
    if (sections.has('latency')) await latencyBench(speakerHost, routerHost);
    if (sections.has('idle')) await idleBench(speakerHost, routerHost);
  } finally {
    await lab.destroy();
  }
}

await main();
