/**
 * Codec throughput on one core, in frames per second, and proof that the encodeInto paths
 * allocate nothing (heap growth over 10 million calls with the GC observed).
 *
 *   npm run bench -w @baremetal-lb/arp-wire        (BENCH_SECONDS=2 per case by default)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureHeapAllocation } from '@baremetal-lb/lab';
import {
  buildArpReply,
  buildUnsolicitedNeighborAdvertisement,
  decodeArpFrame,
  decodeNdpFrame,
  encodeArpFrameInto,
  encodeArpReplyInto,
  encodeNdpFrameInto,
  parseIpv6,
  parseMac,
} from '../src/index.ts';
import { readVector } from '../src/testing/vector-file.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const ourMac = parseMac('00:00:5e:00:53:0a');
const arpRequest = padded(readVector('arp-request'));
const taggedArpRequest = padded(readVector('arp-request-vlan'));
const nsFrame = readVector('ndp-neighbor-solicitation');
const decodedRequest = decodeArpFrame(arpRequest);
const reply = buildArpReply(decodedRequest, ourMac);
const na = buildUnsolicitedNeighborAdvertisement({ mac: ourMac, targetAddress: parseIpv6('2001:db8::10') });
const out = new Uint8Array(128);
/** Results are folded in here (with xor, so it stays a small integer) to keep loops alive. */
let sink = 0;

/** A received request as a NIC delivers it: padded to 60 bytes. */
function padded(frame: Uint8Array): Uint8Array {
  const copy = new Uint8Array(60);
  copy.set(frame);
  return copy;
}

type Case = { name: string; run: (iterations: number) => void; goal?: number };

const cases: Case[] = [
  {
    name: 'baseline: empty encodeInto-shaped loop',
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= out[i & 63]!;
      sink ^= acc;
    },
  },
  {
    name: 'ARP decode (decodeArpFrame, 60-byte frame)',
    goal: 15e6,
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= decodeArpFrame(arpRequest).arp.operation;
      sink ^= acc;
    },
  },
  {
    name: 'ARP decode, 802.1Q-tagged (general path)',
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= decodeArpFrame(taggedArpRequest).arp.operation;
      sink ^= acc;
    },
  },
  {
    name: 'ARP reply encodeInto (encodeArpFrameInto)',
    goal: 15e6,
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= encodeArpFrameInto(reply, out, 0);
      sink ^= acc;
    },
  },
  {
    name: 'ARP reply encodeInto from request (encodeArpReplyInto)',
    goal: 15e6,
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= encodeArpReplyInto(decodedRequest, ourMac, out, 0);
      sink ^= acc;
    },
  },
  {
    name: 'NS decode incl. checksum (decodeNdpFrame, 86 bytes)',
    goal: 3e6,
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= decodeNdpFrame(nsFrame).message.type;
      sink ^= acc;
    },
  },
  {
    name: 'NA encodeInto incl. checksum (encodeNdpFrameInto)',
    run: (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc ^= encodeNdpFrameInto(na, out, 0);
      sink ^= acc;
    },
  },
];

const ROUNDS = 20;

/** CPU time this process has used, in milliseconds (user + system, all threads). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Frames per second over ROUNDS rounds of about BENCH_SECONDS / ROUNDS each, after a warm-up:
 * the best round by wall clock, and the total by CPU time. The machine is shared, so wall-clock
 * rounds include time spent waiting for a core; CPU time counts only time on a core (including
 * any GC helper threads), which is what "frames per second on one core" means.
 */
function measure(testCase: Case): { wallRate: number; cpuRate: number } {
  testCase.run(500_000); // warm up: let the optimising compiler see the loop
  let iterations = 50_000;
  let elapsedCpuMs = 0;
  while (elapsedCpuMs < (seconds * 1000) / ROUNDS) {
    iterations *= 2;
    const start = cpuMs();
    testCase.run(iterations);
    elapsedCpuMs = cpuMs() - start;
  }
  let bestWall = 0;
  let totalCpuMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const wallStart = performance.now();
    const cpuStart = cpuMs();
    testCase.run(iterations);
    totalCpuMs += cpuMs() - cpuStart;
    bestWall = Math.max(bestWall, iterations / (performance.now() - wallStart));
  }
  return { wallRate: bestWall * 1000, cpuRate: ((iterations * ROUNDS) / totalCpuMs) * 1000 };
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) {
  // Child: one case in a fresh isolate, so no case sees type feedback or garbage from another.
  const testCase = cases[Number(process.argv[caseIndex + 1])]!;
  const rate = measure(testCase);
  const allocation =
    testCase.name.includes('encodeInto') || testCase.name.startsWith('baseline')
      ? await measureHeapAllocation(testCase.run, 10_000_000)
      : null;
  process.stdout.write(JSON.stringify({ rate, allocation, sink }));
} else {
  const rows = cases.map((testCase, index) => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--conditions=@baremetal-lb/source', import.meta.filename, '--case', `${index}`],
      { encoding: 'utf8', env: process.env },
    );
    if (child.status !== 0) throw new Error(`case ${testCase.name} failed: ${child.stderr}`);
    const { rate, allocation } = JSON.parse(child.stdout) as {
      rate: { wallRate: number; cpuRate: number };
      allocation: { growthBytes: number; gcs: number } | null;
    };
    return {
      case: testCase.name,
      'frames per CPU-second': `${(rate.cpuRate / 1e6).toFixed(2)} M`,
      'frames/s (best wall-clock round)': `${(rate.wallRate / 1e6).toFixed(2)} M`,
      goal: testCase.goal === undefined ? '-' : `${testCase.goal / 1e6} M`,
      'heap growth / GCs over 10M calls':
        allocation === null ? '-' : `${allocation.growthBytes} bytes / ${allocation.gcs} GCs`,
    };
  });
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, nproc ${os.availableParallelism()}, ${seconds} s per case`,
  );
  console.table(rows);
}
