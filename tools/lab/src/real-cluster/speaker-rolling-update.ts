/**
 * A rolling update of the speaker DaemonSet (an env var changed with `kubectl set env`, so every
 * speaker pod is replaced one node at a time, maxUnavailable 1) while the client sends a request
 * to the LoadBalancer IP every 50 ms, each on a new connection (http-prober.ts). Counts what was
 * lost: a speaker that leaves gracefully hands its IPs over, so ideally nothing is.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { lines, nodeBinary } from '../cluster/api-server-process.ts';
import { metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import type { RealCluster } from './start-real-cluster.ts';
import { listPods, speakerSelector } from './web-app.ts';

const prober = path.join(import.meta.dirname, `http-prober${path.extname(import.meta.filename)}`);
export const probeIntervalMs = 50;
/** Why 1 s: a LAN answer takes a millisecond; a request left unanswered this long is lost. */
const probeTimeoutMs = 1000;
/** Quiet time before and after the rollout, so the count covers the whole of it. */
const marginMs = 3000;

export type ProbeOutcome = {
  readonly atMs: number;
  readonly ok: boolean;
  readonly body?: string;
  readonly error?: string;
  /** The client's TCP port of a lost request. */
  readonly localPort?: number;
  /** How long its TCP handshake took; absent if it never completed. */
  readonly connectedMs?: number;
};

export type RollingUpdateResult = {
  readonly requests: number;
  readonly lost: readonly ProbeOutcome[];
  readonly rolloutMs: number;
  readonly replacedPods: number;
  readonly speakerPods: number;
};

function describeLoss(miss: ProbeOutcome): string {
  const handshake =
    miss.connectedMs === undefined
      ? 'TCP handshake never completed'
      : `connected after ${miss.connectedMs} ms`;
  return `lost at +${(miss.atMs / 1000).toFixed(2)} s: ${miss.error} (${handshake}; client port ${miss.localPort ?? '?'})`;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function rollSpeakersUnderLoad(
  cluster: RealCluster,
  ip: string,
  out: (line: string) => void,
  change = `BMLB_ROLLOUT=${Date.now()}`,
): Promise<RollingUpdateResult> {
  const before = await listPods(cluster, metallbNamespace, speakerSelector);
  const outcomes: ProbeOutcome[] = [];
  const child = cluster.client.spawn(nodeBinary, [
    prober,
    `http://${ip}/hostname`,
    String(probeIntervalMs),
    String(probeTimeoutMs),
  ]);
  lines(child.stdout, (line) => outcomes.push(JSON.parse(line) as ProbeOutcome));
  try {
    await new Promise((resolve) => setTimeout(resolve, marginMs));
    out(`    $ kubectl -n ${metallbNamespace} set env daemonset/speaker ${change}`);
    const started = performance.now();
    await cluster.kubectl(['-n', metallbNamespace, 'set', 'env', 'daemonset/speaker', change]);
    const { stdout } = await cluster.kubectl([
      '-n',
      metallbNamespace,
      'rollout',
      'status',
      'daemonset/speaker',
      '--timeout=300s',
    ]);
    const rolloutMs = performance.now() - started;
    out(`    ${stdout.trim().split('\n').at(-1)} (${(rolloutMs / 1000).toFixed(1)} s)`);
    await new Promise((resolve) => setTimeout(resolve, marginMs));
    await stop(child);
    const after = await listPods(cluster, metallbNamespace, speakerSelector);
    const replacedPods = after.filter((pod) => !before.some((old) => old.name === pod.name)).length;
    const lost = outcomes.filter((o) => !o.ok);
    out(
      `    ${outcomes.length} requests every ${probeIntervalMs} ms, ${lost.length} lost; ${replacedPods} of ${after.length} speaker pods replaced`,
    );
    for (const miss of lost) out(`      ${describeLoss(miss)}`);
    return { requests: outcomes.length, lost, rolloutMs, replacedPods, speakerPods: after.length };
  } finally {
    await stop(child);
  }
}
