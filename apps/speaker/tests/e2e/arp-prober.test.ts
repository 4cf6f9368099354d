import { describe, expect, it } from 'vitest';
import { type ProbeFrame, parseProbeLines, summarizeProbes } from './arp-prober.ts';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const CLIENT = '02:00:00:00:00:99';

/** A probe every 5 ms from 0; `answers[i]` are the MACs that answered probe i. */
function trace(answers: readonly (readonly string[])[]): ProbeFrame[] {
  return answers.flatMap((macs, i) => [
    { kind: 'request' as const, atMs: i * 5 },
    ...macs.map((mac) => ({ kind: 'reply' as const, atMs: i * 5 + 0.2, mac })),
  ]);
}

describe('summarizeProbes', () => {
  it('measures the longest run of unanswered probes up to the next answered one', () => {
    const s = summarizeProbes(trace([[A], [], [], [], [B], [B], [], [B]]));
    expect(s.longestGapProbes).toBe(3);
    expect(s.longestGapMs).toBe(15);
    expect(s.longestOverlapMs).toBe(0);
    expect(s.macs).toEqual([A, B]);
    expect(s.answered).toBe(4);
  });

  it('measures the longest run of probes answered by two MACs', () => {
    const s = summarizeProbes(trace([[A], [A, B], [A, B], [B]]));
    expect(s.longestOverlapProbes).toBe(2);
    expect(s.longestOverlapMs).toBe(10);
    expect(s.longestGapMs).toBe(0);
  });

  it('counts a run still open at the end up to the last probe, and ignores replies before the first probe', () => {
    const frames: ProbeFrame[] = [{ kind: 'reply', atMs: -1, mac: B }, ...trace([[A], [], [], []])];
    const s = summarizeProbes(frames);
    expect(s.longestGapMs).toBe(10);
    expect(s.macs).toEqual([A]);
  });
});

describe('parseProbeLines', () => {
  it('reads tcpdump -tt -e -n nanosecond lines: our requests and every reply for the IP', () => {
    const frames = parseProbeLines(
      [
        `1733339123.000000100 ${CLIENT} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.200 tell 198.51.100.2, length 28`,
        `1733339123.000500000 ${A} > ${CLIENT}, ethertype ARP (0x0806), length 42: Reply 198.51.100.200 is-at ${A}, length 28`,
        `1733339123.001000000 ${B} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.200 tell 198.51.100.200, length 28`,
        `1733339123.002000000 ${A} > ${CLIENT}, ethertype ARP (0x0806), length 42: Reply 198.51.100.201 is-at ${A}, length 28`,
        'tcpdump: verbose output suppressed',
      ],
      '198.51.100.200',
      CLIENT,
    );
    expect(frames.map((f) => (f.kind === 'reply' ? `reply ${f.mac}` : f.kind))).toEqual([
      'request',
      `reply ${A}`,
    ]);
    // Nanoseconds kept (to what a double holds): 0.1 µs, then 500 µs after the second.
    expect(frames[0]!.atMs - 1_733_339_123_000).toBeCloseTo(0.0001, 3);
    expect(frames[1]!.atMs - 1_733_339_123_000).toBeCloseTo(0.5, 3);
  });
});
