/**
 * The realtime responder thread under an ARP request storm (root, the e2e lab): the owner's
 * speaker runs as deployed (--responder-priority from deploy/speaker.yaml, no per-source limit so
 * every request reaches the responder), the client sends 1 s of ARP requests for the VIP at each
 * rate, and the thread's CPU is read from /proc/PID/task/TID/stat and schedstat every 10 ms.
 * Prints a table; asserts nothing. `npm run bench:budget -w @baremetal-lb/speaker`.
 */
import { cpus } from 'node:os';
import { SCHED_FIFO, threadScheduling } from '@baremetal-lb/lab';
import { sumSamples } from '../tests/e2e/metric-value.ts';
import {
  createSpeakerLab,
  DEPLOYED_RESPONDER_PRIORITY,
  NODE_NAMES,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { measureZeroLossRate } from './arp-load.ts';
import { announceVip, VIP } from './bench-lab.ts';
import { sampleThreadCpu, summarizeThreadCpu } from './thread-cpu-sampler.ts';

const rates = [25_000, 50_000, 100_000, 200_000, 400_000];
/** The budget's window (speaker-responders.ts cpuBudget, enforced in packet-socket's native/neighbor_responder.cc): the span over which it allows half a core. */
const budgetWindowMs = 100;

const t = await createSpeakerLab();
try {
  const ownerHost = await announceVip(t);
  const owner = NODE_NAMES[t.nodes.indexOf(ownerHost)]!;
  const pid = t.speakers.get(owner)!.child.pid!;
  let tid = 0;
  await waitFor(
    async () => {
      tid = (await threadScheduling(pid)).find((s) => s.policy === SCHED_FIFO)?.tid ?? 0;
      return tid !== 0;
    },
    10_000,
    'the SCHED_FIFO responder thread',
  );
  await new Promise((r) => setTimeout(r, 6000)); // past the gratuitous burst
  const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    row([
      'ARP requests/s for 1 s',
      'answered/sent',
      'thread CPU (share of a core): busiest 1 s',
      `busiest ${budgetWindowMs} ms`,
      `busiest ${budgetWindowMs} ms wholly in SCHED_FIFO`,
      'whole span, from stat utime+stime',
      'span in SCHED_FIFO',
      'budget suspensions',
    ]),
    row(['---', '---', '---', '---', '---', '---', '---', '---']),
  ];
  const suspensions = async () =>
    sumSamples(
      await (await fetch(`http://${ownerHost.ipv4}:7472/metrics`)).text(),
      'baremetal_lb_responder_realtime_suspensions_total',
    );
  for (const rate of rates) {
    const suspensionsBefore = await suspensions();
    const sampler = sampleThreadCpu(pid, tid, 10);
    const result = await measureZeroLossRate(t.client, VIP, [rate]);
    const s = summarizeThreadCpu(await sampler.stop(), budgetWindowMs);
    const lossy = result.firstLoss;
    lines.push(
      row([
        rate,
        lossy === undefined ? 'all' : `${lossy.answered}/${lossy.sent}`,
        s.peakSecondShare.toFixed(2),
        s.peakWindowShare.toFixed(2),
        s.peakRealtimeWindowShare.toFixed(2),
        s.shareFromTicks.toFixed(2),
        `${(s.realtimeShare * 100).toFixed(0)} %`,
        (await suspensions()) - suspensionsBefore,
      ]),
    );
    await new Promise((r) => setTimeout(r, 1500)); // out of the 1 s cool-down
  }
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.versions.node}`);
  console.log(
    `owner ${owner}, speaker pid ${pid}, responder thread tid ${tid}, --responder-priority=${DEPLOYED_RESPONDER_PRIORITY}\n`,
  );
  console.log(lines.join('\n'));
} finally {
  await t.destroy();
}
