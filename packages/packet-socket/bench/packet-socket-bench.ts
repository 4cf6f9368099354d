// Benchmark: frames/s through a veth pair (receive and send, with and without batching), and
// the round-trip time of a userspace ARP echo next to the kernel's own ARP reply, both measured
// by arping in the same namespaces in the same run. Needs root, iproute2 and iputils-arping.
// Prints a Markdown table. Timings on a shared machine are noisy: compare rows of one run.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { checkPrerequisites, createLab, type LabHost } from '@baremetal-lb/lab';
import { arpRequestFilter } from '../src/bpf/bpf-filters.ts';
import { openPacketConn } from '../src/open-packet-conn.ts';

const durationMs = Number(process.env.BENCH_MS ?? 2000);
const arpCount = Number(process.env.BENCH_ARP_COUNT ?? 200);

if (
  !checkPrerequisites('packet-socket benchmark', {
    root: true,
    commands: [{ name: 'arping', debianPackage: 'iputils-arping' }],
  })
) {
  process.exit(0);
}

const rows: string[][] = [];
const lab = await createLab({ nodes: ['tx', 'rx'], bridge: 'none' });
const [txHost, rxHost] = lab.nodes as [LabHost, LabHost];

function testFrame(): Buffer {
  const frame = Buffer.alloc(64);
  Buffer.from(rxHost.mac.split(':').map((h) => Number.parseInt(h, 16))).copy(frame, 0);
  Buffer.from([2, 0, 0, 0, 0, 0x0a, 0x88, 0xb5]).copy(frame, 6);
  return frame;
}

/** Runs blast-frames.ts from the tx namespace to the rx host; resolves with what it printed. */
async function blast(args: readonly string[]): Promise<string> {
  const script = path.join(import.meta.dirname, 'blast-frames.ts');
  const child = spawn(
    process.execPath,
    ['--conditions=@baremetal-lb/source', script, txHost.namespace, rxHost.mac, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return output;
}

async function measureSend(batch: number): Promise<void> {
  const conn = openPacketConn('eth0', { netns: txHost.namespace });
  const frames = Array.from({ length: batch }, testFrame);
  let sent = 0;
  const start = performance.now();
  const end = start + durationMs;
  while (performance.now() < end) {
    if (batch === 1) {
      conn.send(frames[0]!);
      sent++;
    } else sent += conn.sendBatch(frames);
  }
  const seconds = (performance.now() - start) / 1000;
  await conn.close();
  rows.push([
    `send, ${batch === 1 ? 'one frame per call (send)' : `batches of ${batch} (sendmmsg)`}`,
    fmt(sent / seconds),
    '64-byte frames',
  ]);
}

async function measureReceive(batchFrames: number): Promise<void> {
  const conn = openPacketConn('eth0', {
    netns: rxHost.namespace,
    batchFrames,
    receiveBufferBytes: 8 * 2 ** 20,
  });
  let received = 0;
  let first = 0;
  let last = 0;
  const reading = (async () => {
    for await (const batch of conn.receive()) {
      const now = performance.now();
      if (received === 0) first = now;
      received += batch.length;
      last = now;
    }
  })();
  const output = await blast([String(durationMs), '256']);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { dropped } = conn.stats();
  await conn.close();
  await reading;
  const seconds = (last - first) / 1000;
  rows.push([
    `receive, ${batchFrames === 1 ? 'one frame per wake-up' : `up to ${batchFrames} per wake-up (recvmmsg)`}`,
    fmt(received / seconds),
    `sender offered ${fmt(Number(output) / (durationMs / 1000))}/s; kernel dropped ${fmt(dropped)} (socket buffer full)`,
  ]);
}

/**
 * Receive capacity on its own: the sender fills the (large) socket buffer while nobody reads,
 * then the timed part is draining it, so a slower sender cannot cap the figure.
 */
async function measureDrain(batchFrames: number, frames: number): Promise<void> {
  const conn = openPacketConn('eth0', {
    netns: rxHost.namespace,
    batchFrames,
    receiveBufferBytes: 1024 * 2 ** 20,
  });
  await blast(['0', '256', String(frames)]);
  const { received: queued, dropped } = conn.stats();
  let drained = 0;
  const start = performance.now();
  for await (const batch of conn.receive()) {
    drained += batch.length;
    if (drained >= queued) break;
  }
  const seconds = (performance.now() - start) / 1000;
  await conn.close();
  rows.push([
    `receive, drain a full socket buffer, ${batchFrames === 1 ? 'one frame per wake-up' : `up to ${batchFrames} per wake-up (recvmmsg)`}`,
    fmt(drained / seconds),
    `${fmt(drained)} frames queued beforehand${dropped > 0 ? `, ${fmt(dropped)} dropped` : ''}`,
  ]);
}

/** Answers ARP requests for `ip` from `host` in userspace, as the speaker will. */
function startArpEcho(host: LabHost, ip: number[]) {
  const conn = openPacketConn('eth0', { netns: host.namespace, filter: arpRequestFilter() });
  const mac = Buffer.from(host.mac.split(':').map((h) => Number.parseInt(h, 16)));
  const target = Buffer.from(ip);
  (async () => {
    for await (const batch of conn.receive()) {
      const replies: Buffer[] = [];
      for (const request of batch) {
        if (request.length < 42 || !request.subarray(38, 42).equals(target)) continue;
        const reply = Buffer.alloc(60);
        request.copy(reply, 0, 6, 12); // to the requester
        mac.copy(reply, 6);
        reply.writeUInt16BE(0x0806, 12);
        request.copy(reply, 14, 14, 20); // htype, ptype, hlen, plen
        reply.writeUInt16BE(2, 20); // reply (RFC 826)
        mac.copy(reply, 22);
        target.copy(reply, 28);
        request.copy(reply, 32, 22, 32); // requester's MAC and IP
        replies.push(reply);
      }
      if (replies.length > 0) conn.sendBatch(replies);
    }
  })();
  return conn;
}

/**
 * One arping request (iputils arping takes whole-second intervals only, so each sample is its
 * own `arping -c 1`); returns the reply time in ms that arping itself measured.
 */
async function arpingOnce(host: LabHost, ip: string): Promise<number | undefined> {
  const { stdout } = await host
    .exec('arping', ['-c', '1', '-w', '2', '-I', 'eth0', ip])
    .catch(() => ({ stdout: '' }));
  const match = /reply from .* ([\d.]+)ms/.exec(stdout);
  return match === null ? undefined : Number(match[1]);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

try {
  await measureSend(1);
  await measureSend(256);
  await measureReceive(1);
  await measureReceive(256);
  await measureDrain(1, 200_000);
  await measureDrain(256, 200_000);

  const echoIp = [192, 0, 2, 99]; // not configured on rxHost: only the userspace echo answers
  const echo = startArpEcho(rxHost, echoIp);
  const kernel: number[] = [];
  const user: number[] = [];
  // Alternate the two so that both see the same background load.
  for (let i = 0; i < arpCount; i++) {
    const k = await arpingOnce(txHost, rxHost.ipv4);
    const u = await arpingOnce(txHost, echoIp.join('.'));
    if (k !== undefined) kernel.push(k);
    if (u !== undefined) user.push(u);
  }
  await echo.close();
  const describeRtt = (times: number[]) =>
    `p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms (${times.length} replies)`;
  rows.push(['ARP round trip, kernel reply (arping)', describeRtt(kernel), '']);
  rows.push([
    'ARP round trip, userspace echo via packet-socket (arping)',
    describeRtt(user),
    `p50 ratio ${(percentile(user, 50) / percentile(kernel, 50)).toFixed(2)}x the kernel's`,
  ]);
} finally {
  await lab.destroy();
}

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${durationMs} ms per throughput row\n`,
);
console.log('| measurement | result | notes |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
