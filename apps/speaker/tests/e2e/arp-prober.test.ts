import { arpFrameCodec, buildArpReply, buildArpRequest, parseIpv4, parseMac } from '@baremetal-lb/arp-wire';
import { describe, expect, it } from 'vitest';
import { type ProbeFrame, readTimedPcap, summarizeProbes, toProbeFrames } from './arp-prober.ts';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const CLIENT = '02:00:00:00:00:99';

/** A probe every 5 ms from 0, each its own id; `answers[i]` are the MACs that answered probe i. */
function trace(answers: readonly (readonly string[])[]): ProbeFrame[] {
  return answers.flatMap((macs, i) => [
    { kind: 'request' as const, atMs: i * 5, id: i },
    ...macs.map((mac) => ({ kind: 'reply' as const, atMs: i * 5 + 0.2, mac, id: i })),
  ]);
}

describe('summarizeProbes', () => {
  it('measures the longest run of unanswered probes up to the next answered one', () => {
    const s = summarizeProbes(trace([[A], [], [], [], [B], [B], [], [B]]));
    expect(s.longestGapProbes).toBe(3);
    expect(s.longestGapMs).toBe(15);
    expect(s.longestGapAtMs).toBe(5);
    expect(s.longestOverlapMs).toBe(0);
    expect(s.macs).toEqual([A, B]);
    expect(s.answered).toBe(4);
  });

  it('measures the longest run of probes answered by two MACs', () => {
    const s = summarizeProbes(trace([[A], [A, B], [A, B], [B]]));
    expect(s.longestOverlapProbes).toBe(2);
    expect(s.longestOverlapMs).toBe(10);
    expect(s.longestOverlapMacs).toEqual([A, B]);
    expect(s.longestGapMs).toBe(0);
  });

  it('counts a late answer for its own probe, not for the one sent meanwhile', () => {
    const frames: ProbeFrame[] = [
      { kind: 'request', atMs: 0, id: 1 },
      { kind: 'request', atMs: 5, id: 2 },
      { kind: 'reply', atMs: 7, mac: A, id: 1 }, // 7 ms late, after probe 2 left
      { kind: 'reply', atMs: 8, mac: A, id: 2 },
      { kind: 'request', atMs: 10, id: 3 },
    ];
    const s = summarizeProbes(frames);
    expect(s.answered).toBe(2);
    expect(s.longestOverlapMs).toBe(0);
    expect(s.longestGapProbes).toBe(1); // the last probe, still open
  });

  it('counts a run still open at the end up to the last probe, and ignores earlier frames', () => {
    const s = summarizeProbes(trace([[B], [A], [], [], []]), 5);
    expect(s.longestGapMs).toBe(10);
    expect(s.macs).toEqual([A]);
  });
});

describe('readTimedPcap and toProbeFrames', () => {
  it('reads a nanosecond pcap and keeps our requests for the IP and the replies to them', () => {
    const vip = parseIpv4('198.51.100.200');
    const requestFrame = buildArpRequest({
      senderMac: parseMac(CLIENT),
      senderIp: parseIpv4('198.51.100.160'),
      targetIp: vip,
    });
    const request = arpFrameCodec.encode(requestFrame);
    const reply = arpFrameCodec.encode(buildArpReply(requestFrame, parseMac(A)));
    const other = arpFrameCodec.encode(
      buildArpRequest({ senderMac: parseMac(B), senderIp: parseIpv4('198.51.100.11'), targetIp: vip }),
    );
    const records = [
      [1_733_339_123, 100, request],
      [1_733_339_123, 500_000, reply],
      [1_733_339_124, 0, other],
    ] as const;
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b23c4d, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20);
    const parts: Buffer[] = [header];
    for (const [sec, ns, frame] of records) {
      const h = Buffer.alloc(16);
      h.writeUInt32LE(sec, 0);
      h.writeUInt32LE(ns, 4);
      h.writeUInt32LE(frame.length, 8);
      h.writeUInt32LE(frame.length, 12);
      parts.push(h, Buffer.from(frame));
    }
    // A record cut short at the end (the capture stopped mid-write) is dropped.
    parts.push(Buffer.alloc(10));
    const frames = toProbeFrames(readTimedPcap(Buffer.concat(parts)), '198.51.100.200', CLIENT);
    expect(frames.map((f) => (f.kind === 'reply' ? `reply ${f.mac}` : f.kind))).toEqual([
      'request',
      `reply ${A}`,
    ]);
    expect(frames[0]!.id).toBe(parseIpv4('198.51.100.160'));
    expect(frames[1]!.id).toBe(parseIpv4('198.51.100.160'));
    expect(frames[0]!.atMs - 1_733_339_123_000).toBeCloseTo(0.0001, 3);
    expect(frames[1]!.atMs - 1_733_339_123_000).toBeCloseTo(0.5, 3);
  });
});
