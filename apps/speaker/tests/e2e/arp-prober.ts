/**
 * A client-side prober for hand-overs: a packet socket in a lab host's namespace broadcasts an ARP
 * request for the IP every few ms, and `tcpdump` in the same namespace records every request (so
 * timer jitter of the sender does not matter) and every reply with
 * kernel capture timestamps (nanosecond precision). Who answered each request, and when nobody
 * or two MACs did, comes from those timestamps, not from the test's event loop.
 */
import type { ChildProcess } from 'node:child_process';
import { arpFrameCodec, buildArpRequest, parseIpv4, parseMac } from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import { dropAllFilter, openPacketConn } from '@baremetal-lb/packet-socket';

/** One captured ARP frame about the probed IP. */
export type ProbeFrame =
  | { readonly kind: 'request'; readonly atMs: number }
  | { readonly kind: 'reply'; readonly atMs: number; readonly mac: string };

/** What the probes saw; times are ms since the epoch (capture clock). */
export type ProbeSummary = {
  readonly probes: number;
  readonly answered: number;
  /** Every MAC that answered at least one probe, in order of first answer. */
  readonly macs: readonly string[];
  /** Capture time of the first reply, or undefined. */
  readonly firstReplyAtMs: number | undefined;
  /** First reply per MAC. */
  readonly firstReplyByMac: ReadonlyMap<string, number>;
  /**
   * Longest run of consecutive probes nobody answered, from the first of them to the next probe
   * that was answered (0 when every probe was answered); a run still open at the end counts to
   * the last probe.
   */
  readonly longestGapMs: number;
  readonly longestGapProbes: number;
  /** When that run began (capture clock), or undefined. */
  readonly longestGapAtMs: number | undefined;
  /**
   * Longest run of consecutive probes answered by two or more MACs, from the first of them to the
   * first probe after the run (0 when none was).
   */
  readonly longestOverlapMs: number;
  readonly longestOverlapProbes: number;
  /** When that run began, and the MACs that answered its first probe. */
  readonly longestOverlapAtMs: number | undefined;
  readonly longestOverlapMacs: readonly string[];
};

/**
 * Assigns each reply to the last request sent before it and measures the runs of unanswered and
 * doubly answered probes. Replies before the first request are ignored.
 */
export function summarizeProbes(frames: readonly ProbeFrame[], fromMs = -Infinity): ProbeSummary {
  const sorted = frames.filter((f) => f.atMs >= fromMs).sort((a, b) => a.atMs - b.atMs);
  const probes: { atMs: number; macs: Set<string> }[] = [];
  const firstReplyByMac = new Map<string, number>();
  for (const f of sorted) {
    if (f.kind === 'request') probes.push({ atMs: f.atMs, macs: new Set() });
    else if (probes.length > 0) {
      probes.at(-1)!.macs.add(f.mac);
      if (!firstReplyByMac.has(f.mac)) firstReplyByMac.set(f.mac, f.atMs);
    }
  }
  const longest = (matches: (p: { macs: Set<string> }) => boolean) => {
    let ms = 0;
    let count = 0;
    let atMs: number | undefined;
    let macs: readonly string[] = [];
    for (let i = 0; i < probes.length; ) {
      let j = i;
      while (j < probes.length && matches(probes[j]!)) j++;
      if (j === i) {
        i++;
        continue;
      }
      const length = (probes[j] ?? probes[j - 1]!).atMs - probes[i]!.atMs;
      if (length >= ms) {
        ms = length;
        atMs = probes[i]!.atMs;
        macs = [...probes[i]!.macs];
      }
      count = Math.max(count, j - i);
      i = j;
    }
    return { ms, probes: count, atMs, macs };
  };
  const gap = longest((p) => p.macs.size === 0);
  const overlap = longest((p) => p.macs.size >= 2);
  const replies = [...firstReplyByMac.values()];
  return {
    probes: probes.length,
    answered: probes.filter((p) => p.macs.size > 0).length,
    macs: [...firstReplyByMac.keys()],
    firstReplyAtMs: replies.length === 0 ? undefined : Math.min(...replies),
    firstReplyByMac,
    longestGapMs: gap.ms,
    longestGapProbes: gap.probes,
    longestGapAtMs: gap.atMs,
    longestOverlapMs: overlap.ms,
    longestOverlapProbes: overlap.probes,
    longestOverlapAtMs: overlap.atMs,
    longestOverlapMacs: overlap.macs,
  };
}

// "1733339123.123456789 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:
//  Request who-has 198.51.100.200 tell 198.51.100.2, length 28" — or "Reply 198.51.100.200 is-at 02:…"
const linePattern =
  /^(\d+)\.(\d+) ([0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype ARP.*?: (Request who-has (\S+) |Reply (\S+) is-at ([0-9a-f:]{17}))/;

/** Parses `tcpdump -tt -e -n --time-stamp-precision=nano` lines about ARP for `ip`. */
export function parseProbeLines(lines: readonly string[], ip: string, requester: string): ProbeFrame[] {
  const out: ProbeFrame[] = [];
  for (const line of lines) {
    const m = linePattern.exec(line);
    if (m === null) continue;
    const atMs = Number(m[1]) * 1000 + Number(m[2]!.padEnd(9, '0')) / 1e6;
    if (m[5] === ip && m[3] === requester) out.push({ kind: 'request', atMs });
    else if (m[6] === ip) out.push({ kind: 'reply', atMs, mac: m[7]! });
  }
  return out;
}

export type ArpProber = {
  /** Stops probing, waits for late replies, stops the capture and returns what it saw. */
  stop(): Promise<ProbeFrame[]>;
};

/** Starts capturing, then probing `ip` from `host` every `intervalMs`; resolves once both run. */
export async function startArpProber(host: LabHost, ip: string, intervalMs = 5): Promise<ArpProber> {
  const lines: string[] = [];
  let stderr = '';
  const capture = host.spawn('tcpdump', [
    '-i',
    host.ifname,
    '-l',
    '-n',
    '-e',
    '-tt',
    '--time-stamp-precision=nano',
    'arp',
  ]);
  let partial = '';
  capture.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const listening = new Promise<void>((resolve, reject) => {
    capture.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('listening on')) resolve();
    });
    capture.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${stderr}`)));
  });
  await listening;
  const frame = arpFrameCodec.encode(
    buildArpRequest({
      senderMac: parseMac(host.mac),
      senderIp: parseIpv4(host.ipv4),
      targetIp: parseIpv4(ip),
    }),
  );
  // Sending only: the kernel filter drops everything on the receive side.
  const conn = openPacketConn(host.ifname, { netns: host.namespace, filter: dropAllFilter() });
  const timer = setInterval(() => conn.send(frame), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await conn.close();
      // Replies to the last requests are at most a few ms behind.
      await new Promise((r) => setTimeout(r, 100));
      await stopChild(capture);
      if (partial !== '') lines.push(partial);
      return parseProbeLines(lines, ip, host.mac.toLowerCase());
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  await exited;
}
