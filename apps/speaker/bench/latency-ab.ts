/**
 * ARP reply latency, interleaved: the speaker (VIP), the bare Node echo responder, the C
 * reference responder (SCHED_FIFO) and the kernel (node address), all on the owner node, measured
 * in turn ROUNDS times (2,000 requests each) so that load drifting on a shared machine hits all
 * alike. For each: the client's round trip (as in the main benchmark) and, in a second pass of
 * 2,000 with tcpdump on the owner's interface, the node's turnaround (request in → reply out,
 * capture timestamps; a separate pass because capturing slows the kernel's reply). Root; builds the e2e
 * lab. `node --conditions=@baremetal-lb/source bench/latency-ab.ts` (ROUNDS=3 by default); extra
 * speaker flags may follow (`--responder-priority=0`). SPEAKER_NODE_OPTIONS (JSON array) runs the
 * built speaker with those Node options instead of the Dockerfile's (to compare runtime settings).
 * Prints a table; asserts nothing.
 */
import path from 'node:path';
import { createSpeakerLab, repoRoot, speakerEntry } from '../tests/e2e/speaker-lab.ts';
import { measureArpLatency } from './arp-load.ts';
import {
  announceVip,
  BENCH_SPEAKER_FLAGS,
  C_REFERENCE_IP,
  ECHO_IP,
  percentile,
  startCReferenceResponder,
  startEchoResponder,
  VIP,
} from './bench-lab.ts';
import { captureTurnaround } from './node-turnaround.ts';

const rounds = Number(process.env.ROUNDS ?? 3);
const extraFlags = process.argv.slice(2);
const nodeOptions: readonly string[] | undefined = process.env.SPEAKER_NODE_OPTIONS
  ? JSON.parse(process.env.SPEAKER_NODE_OPTIONS)
  : undefined;
const entry =
  nodeOptions === undefined
    ? speakerEntry
    : [...nodeOptions, path.join(repoRoot, 'apps/speaker/dist/main.js')];
const us = (values: readonly number[], p: number) => percentile(values, p).toFixed(0);

const t = await createSpeakerLab();
try {
  const owner = await announceVip(t, extraFlags, entry);
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  const echo = await startEchoResponder(t, owner);
  const reference = await startCReferenceResponder(t, owner);
  const targets = { speaker: VIP, echo: ECHO_IP, 'C reference': C_REFERENCE_IP, kernel: owner.ipv4 } as const;
  console.log(
    `speaker: ${entry.join(' ')} (lab defaults) ${[...BENCH_SPEAKER_FLAGS, ...extraFlags].join(' ')}`,
  );
  console.log(
    '| round | responder | client p50 µs | client p90 µs | client p99 µs | p99 ÷ kernel | lost | node turnaround p50 / p99 µs |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (let round = 1; round <= rounds; round++) {
    const rows: { who: string; rtts: number[]; lost: number; turnaround: number[] }[] = [];
    for (const [who, ip] of Object.entries(targets)) {
      const { rttsMs, lost } = await measureArpLatency(t.client, ip, 2000);
      const capture = await captureTurnaround(owner, ip);
      await measureArpLatency(t.client, ip, 2000);
      rows.push({ who, rtts: rttsMs.map((ms) => ms * 1000), lost, turnaround: await capture.stop() });
    }
    const kernelP99 = percentile(rows.find((r) => r.who === 'kernel')!.rtts, 99);
    for (const { who, rtts, lost, turnaround } of rows) {
      const ratio = (percentile(rtts, 99) / kernelP99).toFixed(1);
      console.log(
        `| ${round} | ${who} | ${us(rtts, 50)} | ${us(rtts, 90)} | ${us(rtts, 99)} | ${ratio}× | ${lost} | ${us(turnaround, 50)} / ${us(turnaround, 99)} (n ${turnaround.length}) |`,
      );
    }
  }
  echo.kill('SIGKILL');
  reference.kill('SIGKILL');
} finally {
  await t.destroy();
}
