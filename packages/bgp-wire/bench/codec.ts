/**
 * BGP codec throughput on one core, and proof that encodeInto allocates nothing in the steady
 * state (heap growth and GC count over 10 million calls).
 *
 *   npm run bench -w @baremetal-lb/bgp-wire        (BENCH_SECONDS=2 per case by default)
 *
 * Each case runs in its own Node process (no shared type feedback or garbage). Rates are per
 * CPU-second of the process (user + system, GC threads included): the machine is shared, and
 * wall-clock time would include waiting for a core.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { measureHeapAllocation } from '@baremetal-lb/lab';
import { bgpMessageCodec, decodeBgpMessage, encodeBgpMessageInto } from '../src/bgp-message.ts';
import { MessageFramer } from '../src/message-framer.ts';
import { DEFAULT_SESSION } from '../src/session-options.ts';
import { SERVICE_UPDATE, SERVICE_UPDATE_IPV6 } from '../src/testing/sample-messages.ts';
import { buildFullTableStream, FULL_TABLE_PREFIXES } from './full-table.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const codec = bgpMessageCodec();
const serviceUpdate = codec.encode(SERVICE_UPDATE);
const serviceUpdate6 = codec.encode(SERVICE_UPDATE_IPV6);
const out = new Uint8Array(4096);
/** Results are folded in here to keep the loops alive. */
let sink = 0;

/** `unit` per iteration: 1 message, or the prefixes of one pass over a full-table stream. */
type Case = {
  name: string;
  unit: string;
  perIteration: number;
  goal?: number;
  allocation?: boolean;
  run: (n: number) => void;
};

/** One pass over `stream` as TCP reads of 64 KiB: framer + decode of every UPDATE; returns prefixes. */
function decodeStream(stream: Uint8Array): number {
  const framer = new MessageFramer();
  let prefixes = 0;
  for (let at = 0; at < stream.length; at += 65536) {
    framer.push(stream.subarray(at, at + 65536));
    for (let m = framer.next(); m !== undefined; m = framer.next()) {
      const message = decodeBgpMessage(m, 0, m.length, DEFAULT_SESSION);
      if (message.type === 2) prefixes += message.nlri.length;
    }
  }
  return prefixes;
}

function streamCase(name: string, meanGroup: number, goal?: number): Case {
  let built: { stream: Uint8Array; updates: number } | undefined;
  const table = () => (built ??= buildFullTableStream(meanGroup));
  return {
    name: `${name} (${table().updates} UPDATEs, ${(table().stream.length / 1e6).toFixed(2)} MB)`,
    unit: 'prefixes',
    perIteration: FULL_TABLE_PREFIXES,
    ...(goal === undefined ? {} : { goal }),
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const decoded = decodeStream(table().stream);
        if (decoded !== FULL_TABLE_PREFIXES) throw new Error(`decoded ${decoded} prefixes`);
        sink ^= decoded;
      }
    },
  };
}

const cases: Case[] = [
  {
    name: 'UPDATE decode: one IPv4 /32, ORIGIN, AS_PATH, NEXT_HOP, LOCAL_PREF, 2 communities',
    unit: 'messages',
    perIteration: 1,
    goal: 3e6,
    run: (n) => {
      for (let i = 0; i < n; i++) sink ^= decodeBgpMessage(serviceUpdate).type;
    },
  },
  {
    name: 'UPDATE encodeInto: the same message',
    unit: 'messages',
    perIteration: 1,
    goal: 3e6,
    allocation: true,
    run: (n) => {
      for (let i = 0; i < n; i++) sink ^= encodeBgpMessageInto(SERVICE_UPDATE, out, 0);
    },
  },
  {
    name: 'UPDATE decode: one IPv6 /128 in MP_REACH_NLRI (global + link-local), MED, large community',
    unit: 'messages',
    perIteration: 1,
    run: (n) => {
      for (let i = 0; i < n; i++) sink ^= decodeBgpMessage(serviceUpdate6).type;
    },
  },
  {
    name: 'UPDATE encodeInto: the IPv6 message',
    unit: 'messages',
    perIteration: 1,
    allocation: true,
    run: (n) => {
      for (let i = 0; i < n; i++) sink ^= encodeBgpMessageInto(SERVICE_UPDATE_IPV6, out, 0);
    },
  },
  streamCase('full-table stream, framer + decode, ~20 prefixes per attribute set', 20, 5e6),
  streamCase(
    'full-table stream, framer + decode, every UPDATE packed to 4096 bytes',
    Number.POSITIVE_INFINITY,
  ),
];

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Units per CPU-second over about BENCH_SECONDS, after a warm-up. */
function measure(testCase: Case): number {
  let iterations = Math.max(1, Math.round(50_000 / testCase.perIteration));
  testCase.run(iterations * 4);
  let elapsed = 0;
  while (elapsed < 100) {
    iterations *= 2;
    const start = cpuMs();
    testCase.run(iterations);
    elapsed = cpuMs() - start;
  }
  const rounds = Math.max(1, Math.round((seconds * 1000) / elapsed));
  const start = cpuMs();
  for (let round = 0; round < rounds; round++) testCase.run(iterations);
  return ((iterations * rounds * testCase.perIteration) / (cpuMs() - start)) * 1000;
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) {
  const testCase = cases[Number(process.argv[caseIndex + 1])]!;
  const rate = measure(testCase);
  const allocation = testCase.allocation ? await measureHeapAllocation(testCase.run, 10_000_000) : null;
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
      rate: number;
      allocation: { growthBytes: number; gcs: number } | null;
    };
    return {
      case: testCase.name,
      'per CPU-second': `${(rate / 1e6).toFixed(2)} M ${testCase.unit}`,
      goal: testCase.goal === undefined ? '-' : `${testCase.goal / 1e6} M`,
      'heap growth / GCs over 10M calls':
        allocation === null ? '-' : `${allocation.growthBytes} B / ${allocation.gcs}`,
    };
  });
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, nproc ${os.availableParallelism()}, load ${os.loadavg()[0]?.toFixed(1)}, ${seconds} s per case`,
  );
  console.table(rows);
}
