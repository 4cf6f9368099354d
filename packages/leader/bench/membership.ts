// Failure-detection time and bandwidth of the membership protocol with its default config, simulated
// on the in-memory network with a fake clock (deterministic; real time only affects how long it runs).
// Run: npm run bench -w @baremetal-lb/leader   (TRIALS_10 / TRIALS_100 / SECONDS override the sizes)
import { defaultMembershipConfig } from '../src/index.ts';
import { SimulatedCluster } from '../src/testing/index.ts';

type Detection = { first: number; all: number };

/** Kill a random non-seed member, time until the first and until every other member marks it dead; restart it. */
function measureDetections(size: number, trials: number, seed: number): Detection[] {
  const cluster = new SimulatedCluster({ size, seed });
  if (cluster.startAll(30_000) === undefined) throw new Error(`cluster of ${size} did not converge`);
  const out: Detection[] = [];
  let rng = seed;
  const next = () => {
    rng = (rng * 1_103_515_245 + 12_345) >>> 0;
    return rng / 2 ** 32;
  };
  for (let t = 0; t < trials; t++) {
    // A random phase relative to the probe schedule.
    cluster.clock.advance(1_000 + Math.floor(next() * 1_000));
    const victim = cluster.members[3 + Math.floor(next() * (size - 3))]!;
    cluster.kill(victim);
    const others = cluster.members.filter((m) => m !== victim);
    const sees = (m: (typeof others)[number]) =>
      m.membership.snapshot().members.find((x) => x.name === victim.name)?.state === 'dead';
    const start = cluster.clock.now();
    let first: number | undefined;
    const all = cluster.clock.advanceUntil(
      () => {
        if (first === undefined && others.some(sees)) first = cluster.clock.now() - start;
        return others.every(sees);
      },
      30_000,
      1,
    );
    if (all === undefined || first === undefined)
      throw new Error(`trial ${t}: ${victim.name} never detected`);
    out.push({ first, all });
    cluster.restart(victim);
    if (cluster.clock.advanceUntil(() => cluster.converged(), 30_000, 10) === undefined) {
      throw new Error(`trial ${t}: ${victim.name} did not rejoin`);
    }
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function measureBandwidth(
  size: number,
  seconds: number,
): { sent: number; received: number; maxSent: number } {
  const cluster = new SimulatedCluster({ size, seed: 99 });
  cluster.startAll(30_000);
  // Let join traffic settle; then measure a quiet cluster (steady state, with periodic full syncs).
  cluster.clock.advance(20_000);
  const before = cluster.members.map((m) => cluster.network.traffic(m.address));
  cluster.clock.advance(seconds * 1_000);
  const sent = cluster.members.map(
    (m, i) => (cluster.network.traffic(m.address).bytesSent - before[i]!.bytesSent) / seconds,
  );
  const received = cluster.members.map(
    (m, i) => (cluster.network.traffic(m.address).bytesReceived - before[i]!.bytesReceived) / seconds,
  );
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  return { sent: mean(sent), received: mean(received), maxSent: Math.max(...sent) };
}

const trials = { 10: Number(process.env.TRIALS_10 ?? 200), 100: Number(process.env.TRIALS_100 ?? 40) };
const seconds = Number(process.env.SECONDS ?? 60);
const t0 = performance.now();
const rows = [];
for (const size of [10, 100] as const) {
  const d = measureDetections(size, trials[size], size);
  const all = d.map((x) => x.all);
  const first = d.map((x) => x.first);
  rows.push({
    members: size,
    trials: d.length,
    'first dead p50 ms': percentile(first, 50),
    'all dead p50 ms': percentile(all, 50),
    'all dead p99 ms': percentile(all, 99),
    'all dead max ms': Math.max(...all),
  });
}
const bw = measureBandwidth(100, seconds);
console.log(
  `membership, default config (probe ${defaultMembershipConfig.probeIntervalMs} ms), simulated LAN 0.1–0.5 ms one way, no loss; node ${process.version}`,
);
console.log('hard-kill detection (time until every other member marks the victim dead):');
console.table(rows);
console.log(`bandwidth at 100 members over ${seconds} simulated s (UDP payload bytes):`);
console.table([
  {
    'sent B/s per member (mean)': Math.round(bw.sent),
    'sent B/s (max member)': Math.round(bw.maxSent),
    'received B/s per member (mean)': Math.round(bw.received),
  },
]);
console.log(`(ran in ${((performance.now() - t0) / 1000).toFixed(1)} s real time)`);
