/**
 * ARP reply latency, interleaved: the speaker (VIP), a bare packet-socket echo responder and the
 * kernel (node address) on the same node, measured in turn ROUNDS times (2,000 requests each),
 * so that load drifting on a shared machine hits all three alike. Root; builds the e2e lab.
 * `node --conditions=@baremetal-lb/source bench/latency-ab.ts` (ROUNDS=3 by default).
 * Extra speaker flags may follow on the command line. Prints a table; asserts nothing.
 */
import path from 'node:path';
import { rankCandidates } from '@baremetal-lb/leader';
import {
  arpingMac,
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  NET,
  NODE_NAMES,
  repoRoot,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { measureArpLatency } from './arp-load.ts';

const rounds = Number(process.env.ROUNDS ?? 3);
const speakerFlags = ['--request-rate-limit=0', '--log-level=info', ...process.argv.slice(2)];
const VIP = `${NET}.200`;
const ECHO_IP = `${NET}.250`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const t = await createSpeakerLab();
try {
  await createMetallbObject(t, 'ipaddresspools', {
    kind: 'IPAddressPool',
    metadata: { name: 'main' },
    spec: { addresses: [`${NET}.200-${NET}.220`] },
  });
  await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'main' } });
  await Promise.all(t.nodes.map((h) => t.start(h, speakerFlags)));
  await createLbService(t, 'web', [VIP], 'Cluster', ['nodea']);
  const ownerHost = t.hostOf(rankCandidates(NODE_NAMES, VIP)[0]!);
  await waitFor(async () => (await arpingMac(t.client, VIP)) === ownerHost.mac, 20_000, 'announce');
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  const echo = ownerHost.spawn(path.join(repoRoot, 'node_modules/.bin/node'), [
    '--conditions=@baremetal-lb/source',
    path.join(import.meta.dirname, 'echo-responder.ts'),
    ownerHost.ifname,
    ownerHost.mac,
    ECHO_IP,
  ]);
  await waitFor(async () => (await arpingMac(t.client, ECHO_IP)) !== undefined, 20_000, 'echo responder');
  const targets = { speaker: VIP, echo: ECHO_IP, kernel: ownerHost.ipv4 } as const;
  console.log(`speaker flags: ${speakerFlags.join(' ')}`);
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
