// Ranks 5,000 service IPs over 100 nodes, the size of a large layer-2 cluster, and prints a table.
// Run: npm run bench -w @baremetal-lb/leader
import { electLeader, Ranker, rankCandidates } from '../src/index.ts';

const nodes = Array.from({ length: 100 }, (_, i) => `worker-${String(i).padStart(3, '0')}`);
const ips = Array.from({ length: 5_000 }, (_, i) => `198.51.${100 + (i >> 8)}.${i & 255}`);
const afterDeath = nodes.filter((n) => n !== 'worker-042');

/** Median CPU time (ms) of `runs` runs of fn, after `setup` each time (not timed). */
function measure(fn: () => void, setup: () => void = () => {}, runs = 5): number {
  const samples: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    setup();
    const t0 = process.cpuUsage().user;
    fn();
    // The first run warms the JIT and is discarded.
    if (r > 0) samples.push((process.cpuUsage().user - t0) / 1_000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

let sink = 0;
let ranker = new Ranker();
const electAll =
  (list: readonly string[], f: (c: readonly string[], ip: string) => string | undefined) => () => {
    for (const ip of ips) sink += f(list, ip)!.length;
  };
const rows: { operation: string; ms: number }[] = [
  { operation: 'electLeader, no cache', ms: measure(electAll(nodes, electLeader)) },
  {
    operation: 'rankCandidates (full order), no cache',
    ms: measure(() => {
      for (const ip of ips) sink += rankCandidates(nodes, ip).length;
    }),
  },
  {
    operation: 'Ranker.electLeader, cold (first pass)',
    ms: measure(
      electAll(nodes, (c, ip) => ranker.electLeader(c, ip)),
      () => {
        ranker = new Ranker();
      },
    ),
  },
  {
    operation: 'Ranker.electLeader, warm, after one node died',
    ms: measure(
      electAll(afterDeath, (c, ip) => ranker.electLeader(c, ip)),
      () => {
        ranker = new Ranker();
        for (const ip of ips) ranker.electLeader(nodes, ip);
      },
    ),
  },
];
console.log(
  `ranking ${ips.length} IPs over ${nodes.length} nodes (median CPU time of 5 runs), node ${process.version}`,
);
console.table(
  rows.map((r) => ({
    operation: r.operation,
    'total ms': r.ms.toFixed(1),
    'µs per IP': ((r.ms * 1000) / ips.length).toFixed(2),
    'ns per (IP, node)': ((r.ms * 1e6) / (ips.length * nodes.length)).toFixed(0),
  })),
);
console.log(
  `cached pairs: ${ranker.size}, heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
if (sink === 0) console.log('');
