// Ranks 5,000 service IPs over 100 nodes, the size of a large layer-2 cluster, and prints a table.
// Run: npm run bench -w @baremetal-lb/leader
import { electLeader, rankCandidates } from '../src/index.ts';

const nodes = Array.from({ length: 100 }, (_, i) => `worker-${String(i).padStart(3, '0')}`);
const ips = Array.from({ length: 5_000 }, (_, i) => `198.51.${100 + (i >> 8)}.${i & 255}`);

function measure(name: string, fn: () => void): { name: string; ms: number } {
  fn(); // warm up
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { name, ms: samples[2]! };
}

let sink = 0;
const rows = [
  measure('electLeader (leader only)', () => {
    for (const ip of ips) sink += electLeader(nodes, ip)!.length;
  }),
  measure('rankCandidates (full order)', () => {
    for (const ip of ips) sink += rankCandidates(nodes, ip).length;
  }),
];
console.log(
  `ranking ${ips.length} IPs over ${nodes.length} nodes (median of 5 runs), node ${process.version}`,
);
console.table(
  rows.map((r) => ({
    operation: r.name,
    'total ms': r.ms.toFixed(1),
    'µs per IP': ((r.ms * 1000) / ips.length).toFixed(1),
    'ns per (IP, node)': ((r.ms * 1e6) / (ips.length * nodes.length)).toFixed(0),
  })),
);
if (sink === 0) console.log('');
