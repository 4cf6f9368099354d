/**
 * Speaker benchmark in the e2e lab (root; real processes, real kube-apiserver):
 *   1. failover: SIGKILL of the announcing speaker → first gratuitous ARP of the new one seen in
 *      the client namespace, TRIALS times; the same for SIGTERM (graceful leave);
 *   2. ARP reply latency at light load (one request in flight), speaker vs a bare packet-socket
 *      responder vs the kernel's own ARP reply for the node's address, same node, same client,
 *      same run: once in steady state, once right after the failover trials;
 *   3. the highest request rate answered with zero loss, speaker vs kernel.
 * In run order: latency (steady), rates, failovers, latency (after the failovers).
 * Prints tables; asserts nothing. `npm run bench -w @baremetal-lb/speaker` (TRIALS=20 by default).
 */
import { cpus } from 'node:os';
import { rankCandidates } from '@baremetal-lb/leader';
import { sumSamples } from '../tests/e2e/metric-value.ts';
import {
  arpingMac,
  captureGratuitousArp,
  createSpeakerLab,
  DEPLOYED_RESPONDER_PRIORITY,
  NODE_NAMES,
  type SpeakerLab,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { measureArpLatency, measureZeroLossRate } from './arp-load.ts';
import {
  announceVip,
  BENCH_SPEAKER_FLAGS,
  ECHO_IP,
  percentile,
  startEchoResponder,
  VIP,
} from './bench-lab.ts';

const trials = Number(process.env.TRIALS ?? 20);

async function failoverTrials(t: SpeakerLab, signal: NodeJS.Signals): Promise<number[]> {
  const owner = rankCandidates(NODE_NAMES, VIP)[0]!;
  const next = rankCandidates(
    NODE_NAMES.filter((n) => n !== owner),
    VIP,
  )[0]!;
  const ownerHost = t.hostOf(owner);
  const nextMac = t.hostOf(next).mac.toLowerCase();
  const times: number[] = [];
  for (let i = 0; i < trials; i++) {
    await waitFor(
      async () => (await arpingMac(t.client, VIP)) === ownerHost.mac.toLowerCase(),
      20_000,
      'owner back',
    );
    // Let the owner's own takeover burst finish so it does not count as the next node's.
    await new Promise((r) => setTimeout(r, 300));
    const capture = captureGratuitousArp(t, VIP);
    try {
      const t0 = performance.now();
      await t.kill(ownerHost, signal);
      await waitFor(() => capture.seen.some((g) => g.mac === nextMac), 10_000, 'gratuitous ARP');
      times.push(capture.seen.find((g) => g.mac === nextMac)!.at - t0);
    } finally {
      await capture.close();
    }
    await t.start(ownerHost, BENCH_SPEAKER_FLAGS);
  }
  return times;
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

const t = await createSpeakerLab();
try {
  const ownerHost = await announceVip(t);
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  // A bare packet-socket responder on the same node, for an address no pool holds.
  const echo = await startEchoResponder(t, ownerHost);
  const measureLatencies = async () => ({
    speaker: await measureArpLatency(t.client, VIP, 2000),
    echo: await measureArpLatency(t.client, ECHO_IP, 2000),
    kernel: await measureArpLatency(t.client, ownerHost.ipv4, 2000),
  });
  // Steady state first (a settled lab), then again right after the 40 failovers below, while
  // the API server and the membership are still busy with what they caused.
  const latencySteady = await measureLatencies();
  const rates = [25_000, 50_000, 100_000, 150_000, 200_000, 300_000, 400_000];
  const zeroLoss = {
    speaker: await measureZeroLossRate(t.client, VIP, rates),
    kernel: await measureZeroLossRate(t.client, ownerHost.ipv4, rates),
  };
  // How often the storm rates pushed the realtime responder thread over its CPU budget.
  const scrape = await (await fetch(`http://${ownerHost.ipv4}:7472/metrics`)).text();
  const suspensions = sumSamples(scrape, 'baremetal_lb_responder_realtime_suspensions_total');

  const kill = await failoverTrials(t, 'SIGKILL');
  const term = await failoverTrials(t, 'SIGTERM');
  await waitFor(
    async () => (await arpingMac(t.client, VIP)) === ownerHost.mac.toLowerCase(),
    20_000,
    'owner back',
  );
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  const latencyAfterFailovers = await measureLatencies();
  echo.kill('SIGKILL');

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nmachine: ${cpus().length} × ${cpu}; node ${process.versions.node}; ${trials} trials`);
  console.log(
    `speaker flags: --responder-priority=${DEPLOYED_RESPONDER_PRIORITY} ${BENCH_SPEAKER_FLAGS.join(' ')}\n`,
  );
  console.log(row(['measure', 'p50 ms', 'p99 ms', 'max ms', 'n']));
  console.log(row(['---', '---', '---', '---', '---']));
  for (const [name, v] of [
    ['failover after SIGKILL → first gratuitous ARP', kill],
    ['graceful handover (SIGTERM) → first gratuitous ARP', term],
  ] as const) {
    console.log(
      row([
        name,
        percentile(v, 50).toFixed(1),
        percentile(v, 99).toFixed(1),
        Math.max(...v).toFixed(1),
        v.length,
      ]),
    );
  }
  console.log('');
  console.log(
    row(['ARP reply, one request in flight (2,000)', 'p50 µs', 'p99 µs', 'p99 ÷ kernel p99', 'lost']),
  );
  console.log(row(['---', '---', '---', '---', '---']));
  const names = {
    speaker: 'speaker (VIP)',
    echo: 'bare packet-socket echo responder',
    kernel: 'kernel (node address)',
  };
  for (const [phase, latency] of [
    ['steady', latencySteady],
    ['after the failovers', latencyAfterFailovers],
  ] as const) {
    const kernelP99 = percentile(latency.kernel.rttsMs, 99);
    for (const who of ['speaker', 'echo', 'kernel'] as const) {
      const l = latency[who];
      const p99 = percentile(l.rttsMs, 99);
      console.log(
        row([
          `${phase}: ${names[who]}`,
          (percentile(l.rttsMs, 50) * 1000).toFixed(0),
          (p99 * 1000).toFixed(0),
          `${(p99 / kernelP99).toFixed(1)}×`,
          l.lost,
        ]),
      );
    }
  }
  console.log('');
  console.log(
    row([
      'ARP requests, 1 s at each rate',
      'highest rate answered with zero loss',
      'first lossy rate: answered/sent',
    ]),
  );
  console.log(row(['---', '---', '---']));
  for (const who of ['speaker', 'kernel'] as const) {
    const z = zeroLoss[who];
    const lossy = z.firstLoss;
    console.log(
      row([
        names[who],
        z.best === 0 ? `< ${rates[0]}` : `${z.best}/s`,
        lossy === undefined ? '- (highest rate tried)' : `${lossy.answered}/${lossy.sent} at ${lossy.rate}/s`,
      ]),
    );
  }
  console.log(
    `\nresponder thread over its CPU budget (dropped to normal priority for 1 s): ${suspensions} times during the rate steps`,
  );
} finally {
  await t.destroy();
}
