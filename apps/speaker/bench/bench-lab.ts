/**
 * What the benchmarks share: the e2e lab with one announced VIP (speakers unlimited and quiet),
 * the reference responders next to the owner (the bare Node echo responder and the C one), and
 * percentiles.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LabHost, runCommand } from '@baremetal-lb/lab';
import { rankCandidates } from '@baremetal-lb/leader';
import {
  arpingMac,
  createLbService,
  createMetallbObject,
  NET,
  NODE_NAMES,
  repoRoot,
  type SpeakerLab,
  speakerEntry,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';

export const VIP = `${NET}.200`;
/** An address no pool holds, answered by the echo responder. */
export const ECHO_IP = `${NET}.250`;
/** Another address no pool holds, answered by the C reference responder. */
export const C_REFERENCE_IP = `${NET}.251`;
/** The C reference runs at the speaker's deployed realtime priority, so like is compared with like. */
export const C_REFERENCE_PRIORITY = 10;
/** Flags of every benchmarked speaker: no per-source limit (one client at 1,000/s would hit it). */
export const BENCH_SPEAKER_FLAGS = ['--request-rate-limit=0', '--log-level=info'] as const;

/**
 * Creates the pool, advertisement and Service, starts the speakers (`entry`: Node options and
 * script, the image's by default); resolves with the VIP's owner.
 */
export async function announceVip(
  t: SpeakerLab,
  extraFlags: readonly string[] = [],
  entry: readonly string[] = speakerEntry,
): Promise<LabHost> {
  await createMetallbObject(t, 'ipaddresspools', {
    kind: 'IPAddressPool',
    metadata: { name: 'main' },
    spec: { addresses: [`${NET}.200-${NET}.220`] },
  });
  await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'main' } });
  await Promise.all(t.nodes.map((h) => t.start(h, [...BENCH_SPEAKER_FLAGS, ...extraFlags], entry)));
  await createLbService(t, 'web', [VIP], 'Cluster', ['nodea']);
  const ownerHost = t.hostOf(rankCandidates(NODE_NAMES, VIP)[0]!);
  await waitFor(async () => (await arpingMac(t.client, VIP)) === ownerHost.mac, 20_000, 'announce');
  return ownerHost;
}

/** Starts bench/echo-responder.ts on `host` for ECHO_IP and waits until it answers. */
export async function startEchoResponder(t: SpeakerLab, host: LabHost): Promise<ChildProcess> {
  const echo = host.spawn(path.join(repoRoot, 'node_modules/.bin/node'), [
    '--conditions=@baremetal-lb/source',
    path.join(import.meta.dirname, 'echo-responder.ts'),
    host.ifname,
    host.mac,
    ECHO_IP,
  ]);
  await waitFor(async () => (await arpingMac(t.client, ECHO_IP)) !== undefined, 20_000, 'echo responder');
  return echo;
}

/**
 * Compiles bench/reference/arp-echo.c (cc from build-essential, which the addon build needs
 * anyway) and starts it on `host` for C_REFERENCE_IP under SCHED_FIFO; waits until it answers.
 */
export async function startCReferenceResponder(t: SpeakerLab, host: LabHost): Promise<ChildProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-arp-echo-'));
  const binary = path.join(dir, 'arp-echo');
  await runCommand('cc', ['-O2', '-o', binary, path.join(import.meta.dirname, 'reference/arp-echo.c')]);
  const child = host.spawn('chrt', [
    '-f',
    String(C_REFERENCE_PRIORITY),
    binary,
    host.ifname,
    host.mac,
    C_REFERENCE_IP,
  ]);
  child.once('exit', () => void rm(dir, { recursive: true, force: true }));
  await waitFor(
    async () => (await arpingMac(t.client, C_REFERENCE_IP)) !== undefined,
    20_000,
    'C reference responder',
  );
  return child;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * RSS in all, and its anonymous part: what the process allocated. The rest is mapped files, mostly
 * the node binary's code, shared with every other Node process on the host.
 */
export type ProcessFootprint = {
  rssMiB: number;
  anonMiB: number;
  threads: number;
  cpuSeconds: number;
  /** Established TCP connections the process holds (API server, health and metrics clients). */
  tcpConnections: number;
};

/** Established TCP connections among `pid`'s file descriptors, from its network namespace's tables. */
async function countTcpConnections(pid: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  let count = 0;
  for (const table of ['tcp', 'tcp6']) {
    const lines = (await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // st (field 4) 01 = ESTABLISHED; inode is field 10.
      if (fields[3] === '01' && inodes.has(fields[9] ?? '')) count++;
    }
  }
  return count;
}

export async function readProcess(pid: number): Promise<ProcessFootprint> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return {
    rssMiB: kib('VmRSS') / 1024,
    anonMiB: kib('RssAnon') / 1024,
    threads: kib('Threads'),
    // Fields 14 and 15 of stat (utime, stime), counted after "pid (comm) ".
    cpuSeconds: (Number(stat[11]) + Number(stat[12])) / clockTicks,
    tcpConnections: await countTcpConnections(pid),
  };
}

/** "min–max" of `values`. */
export const range = (values: readonly number[], digits = 0) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
