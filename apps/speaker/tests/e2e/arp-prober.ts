/**
 * A client-side prober for hand-overs: a packet socket in a lab host's namespace broadcasts an ARP
 * request for the IP every few ms, each from one of 32 sender addresses in turn, and `tcpdump` in
 * the same namespace records every request (so timer jitter of the sender does not matter) and
 * every reply with kernel capture timestamps (nanosecond pcap). A reply's target address names
 * the probe it answers, so a late answer is not mistaken for a missing one. Who answered each
 * probe, and when nobody or two MACs did, comes from the capture, not from the test's event loop.
 */
import {
  ArpOperation,
  arpFrameCodec,
  buildArpRequest,
  decodeArpFrame,
  formatMac,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import { dropAllFilter, openPacketConn } from '@baremetal-lb/packet-socket';

/** One captured ARP frame about the probed IP. */
export type ProbeFrame =
  | { readonly kind: 'request'; readonly atMs: number; readonly id: number }
  | { readonly kind: 'reply'; readonly atMs: number; readonly mac: string; readonly id: number };

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
 * Assigns each reply to the last request with its id (the probe's sender IP) sent before it, so a
 * late answer still counts for its own probe, and measures the runs of unanswered and doubly
 * answered probes. Replies to no captured request are ignored.
 */
export function summarizeProbes(frames: readonly ProbeFrame[], fromMs = -Infinity): ProbeSummary {
  const sorted = frames.filter((f) => f.atMs >= fromMs).sort((a, b) => a.atMs - b.atMs);
  const probes: { atMs: number; macs: Set<string> }[] = [];
  const latestById = new Map<number, { atMs: number; macs: Set<string> }>();
  const firstReplyByMac = new Map<string, number>();
  for (const f of sorted) {
    if (f.kind === 'request') {
      const probe = { atMs: f.atMs, macs: new Set<string>() };
      probes.push(probe);
      latestById.set(f.id, probe);
      continue;
    }
    const probe = latestById.get(f.id);
    if (probe === undefined) continue;
    probe.macs.add(f.mac);
    if (!firstReplyByMac.has(f.mac)) firstReplyByMac.set(f.mac, f.atMs);
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

/** LINKTYPE_ETHERNET; nanosecond pcap magic (tcpdump --time-stamp-precision=nano -w). */
const pcapNanoMagic = 0xa1b23c4d;
const pcapGlobalHeaderBytes = 24;
const pcapRecordHeaderBytes = 16;

/** Frames of a little- or big-endian nanosecond pcap stream with their capture times (ms). */
export function readTimedPcap(file: Buffer): { atMs: number; frame: Buffer }[] {
  if (file.length < pcapGlobalHeaderBytes) return [];
  const little = file.readUInt32LE(0) === pcapNanoMagic;
  if (!little && file.readUInt32BE(0) !== pcapNanoMagic) {
    throw new Error(`pcap: magic 0x${file.readUInt32BE(0).toString(16)} is not nanosecond pcap`);
  }
  const u32 = (at: number) => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const out: { atMs: number; frame: Buffer }[] = [];
  for (let at = pcapGlobalHeaderBytes; at + pcapRecordHeaderBytes <= file.length; ) {
    const length = u32(at + 8);
    const start = at + pcapRecordHeaderBytes;
    if (start + length > file.length) break; // the capture stopped mid-record
    out.push({ atMs: u32(at) * 1000 + u32(at + 4) / 1e6, frame: file.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

/**
 * The probe frames of a capture: requests for `ip` from `requesterMac`, and every reply for `ip`
 * to it, each tagged with the requester IP (its ARP sender / the reply's target), which tells the
 * probes apart.
 */
export function toProbeFrames(
  captured: readonly { atMs: number; frame: Buffer }[],
  ip: string,
  requesterMac: string,
): ProbeFrame[] {
  const vip = parseIpv4(ip);
  const requester = parseMac(requesterMac);
  const out: ProbeFrame[] = [];
  for (const { atMs, frame } of captured) {
    let arp: ReturnType<typeof decodeArpFrame>['arp'];
    try {
      ({ arp } = decodeArpFrame(frame));
    } catch {
      continue; // not ARP, or malformed: no probe
    }
    if (arp.operation === ArpOperation.request && arp.senderMac === requester && arp.targetIp === vip) {
      out.push({ kind: 'request', atMs, id: arp.senderIp });
    } else if (arp.operation === ArpOperation.reply && arp.senderIp === vip && arp.targetMac === requester) {
      out.push({ kind: 'reply', atMs, mac: formatMac(arp.senderMac), id: arp.targetIp });
    }
  }
  return out;
}

export type ArpProber = {
  /** Stops probing, waits for late replies, stops the capture and returns what it saw. */
  stop(): Promise<ProbeFrame[]>;
};

/**
 * Probe sender addresses, last octet: 32 in turn, so a reply names its probe (its target IP)
 * unless it is more than 32 intervals late. Unused in the lab's /24.
 */
const probeSenderFirst = 160;
const probeSenderCount = 32;

/** Starts capturing, then probing `ip` from `host` every `intervalMs`; resolves once both run. */
export async function startArpProber(host: LabHost, ip: string, intervalMs = 5): Promise<ArpProber> {
  const chunks: Buffer[] = [];
  let stderr = '';
  const capture = host.spawn('tcpdump', [
    '-i',
    host.ifname,
    '-n',
    '-U',
    // Without it libpcap hands frames over in blocks, and the last block is lost on SIGINT.
    '--immediate-mode',
    '--time-stamp-precision=nano',
    '-w',
    '-',
    'arp',
  ]);
  capture.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  // 'close', not 'exit': after 'exit' its stdout may still hold the last records.
  const closed = new Promise<void>((resolve) => capture.once('close', () => resolve()));
  const listening = new Promise<void>((resolve, reject) => {
    capture.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('listening on')) resolve();
    });
    capture.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${stderr}`)));
  });
  await listening;
  const prefix = host.ipv4.split('.').slice(0, 3).join('.');
  const frames = Array.from({ length: probeSenderCount }, (_, i) =>
    arpFrameCodec.encode(
      buildArpRequest({
        senderMac: parseMac(host.mac),
        senderIp: parseIpv4(`${prefix}.${probeSenderFirst + i}`),
        targetIp: parseIpv4(ip),
      }),
    ),
  );
  // Sending only: the kernel filter drops everything on the receive side.
  const conn = openPacketConn(host.ifname, { netns: host.namespace, filter: dropAllFilter() });
  let sent = 0;
  const timer = setInterval(() => conn.send(frames[sent++ % probeSenderCount]!), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await conn.close();
      // Replies to the last requests are at most a few ms behind.
      await new Promise((r) => setTimeout(r, 100));
      // SIGINT: tcpdump writes what it holds and exits.
      if (capture.exitCode === null && capture.signalCode === null) capture.kill('SIGINT');
      await closed;
      return toProbeFrames(readTimedPcap(Buffer.concat(chunks)), ip, host.mac);
    },
  };
}
