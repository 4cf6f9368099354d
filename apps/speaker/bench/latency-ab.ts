/**
 * ARP reply latency, interleaved: the speaker (VIP), a bare packet-socket echo responder and the
 * kernel (node address) on the same node, measured in turn ROUNDS times (2,000 requests each),
 * so that load drifting on a shared machine hits all three alike. Root; builds the e2e lab.
 * `node --conditions=@baremetal-lb/source bench/latency-ab.ts` (ROUNDS=3 by default).
 * Extra speaker flags may follow on the command line. Prints a table; asserts nothing.
 */
import { createSpeakerLab } from '../tests/e2e/speaker-lab.ts';
import { measureArpLatency } from './arp-load.ts';
import {
  announceVip,
  BENCH_SPEAKER_FLAGS,
  ECHO_IP,
  percentile,
  startEchoResponder,
  VIP,
} from './bench-lab.ts';

const rounds = Number(process.env.ROUNDS ?? 3);
const extraFlags = process.argv.slice(2);

const t = await createSpeakerLab();
try {
  const ownerHost = await announceVip(t, extraFlags);
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  const echo = await startEchoResponder(t, ownerHost);
  const targets = { speaker: VIP, echo: ECHO_IP, kernel: ownerHost.ipv4 } as const;
  console.log(`speaker flags: ${[...BENCH_SPEAKER_FLAGS, ...extraFlags].join(' ')}`);
  console.log('| round | responder | p50 µs | p90 µs | p99 µs | lost |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (let round = 1; round <= rounds; round++) {
    for (const [who, ip] of Object.entries(targets)) {
      const { rttsMs, lost } = await measureArpLatency(t.client, ip, 2000);
      const us = (p: number) => (percentile(rttsMs, p) * 1000).toFixed(0);
      console.log(`| ${round} | ${who} | ${us(50)} | ${us(90)} | ${us(99)} | ${lost} |`);
    }
  }
  echo.kill('SIGKILL');
} finally {
  await t.destroy();
}
