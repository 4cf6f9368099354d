import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../packet-socket-error.ts';
import { sampleArp, sampleIcmpv6, sampleIpv4 } from '../testing/sample-frames.ts';
import { accept, assemble, drop, jumpIfEqual, label, load } from './bpf-assembler.ts';
import { arpRequestFilter, neighborSolicitationFilter } from './bpf-filters.ts';
import { encodeBpfProgram } from './bpf-instruction.ts';
import { runBpf } from './run-bpf.ts';

const numRuns = process.env.FUZZ === '1' ? 50_000 : 500;

/** Moves an in-place 802.1Q tag into metadata, as the kernel does on receive. */
function untag(frame: Buffer): { frame: Buffer; vlanTci: number } {
  return {
    frame: Buffer.concat([frame.subarray(0, 12), frame.subarray(16)]),
    vlanTci: frame.readUInt16BE(14),
  };
}

describe('arpRequestFilter', () => {
  const untagged = arpRequestFilter();
  const vlan100 = arpRequestFilter({ vlan: 100 });

  it('accepts untagged ARP requests only', () => {
    expect(runBpf(untagged, sampleArp(1))).toBeGreaterThan(0);
    expect(runBpf(untagged, sampleArp(2))).toBe(0);
    expect(runBpf(untagged, sampleIpv4())).toBe(0);
    expect(runBpf(untagged, sampleIcmpv6(135))).toBe(0);
    expect(runBpf(untagged, sampleArp(1, { vlan: 100 }))).toBe(0);
    const { frame, vlanTci } = untag(sampleArp(1, { vlan: 100 }));
    expect(runBpf(untagged, frame, { vlanTci })).toBe(0);
  });

  it('with a VLAN, accepts requests of that VLAN, tagged in place or in metadata', () => {
    expect(runBpf(vlan100, sampleArp(1, { vlan: 100 }))).toBeGreaterThan(0);
    expect(runBpf(vlan100, sampleArp(1, { vlan: 101 }))).toBe(0);
    expect(runBpf(vlan100, sampleArp(1))).toBe(0);
    const tagged = untag(sampleArp(1, { vlan: 100 }));
    expect(runBpf(vlan100, tagged.frame, { vlanTci: tagged.vlanTci | 0xe000 })).toBeGreaterThan(0);
    const other = untag(sampleArp(1, { vlan: 4094 }));
    expect(runBpf(vlan100, other.frame, { vlanTci: other.vlanTci })).toBe(0);
    expect(runBpf(vlan100, untag(sampleArp(2, { vlan: 100 })).frame, { vlanTci: 100 })).toBe(0);
  });

  it('refuses VLAN IDs outside 1-4094', () => {
    for (const vlan of [0, 4095, 1.5, -1])
      expect(() => arpRequestFilter({ vlan })).toThrow(InvalidArgumentError);
  });
});

describe('neighborSolicitationFilter', () => {
  it('accepts Neighbor Solicitations with hop limit 255, untagged or of the VLAN', () => {
    const ns = neighborSolicitationFilter();
    expect(runBpf(ns, sampleIcmpv6(135))).toBeGreaterThan(0);
    expect(runBpf(ns, sampleIcmpv6(136))).toBe(0);
    expect(runBpf(ns, sampleIcmpv6(135, { hopLimit: 64 }))).toBe(0);
    expect(runBpf(ns, sampleArp(1))).toBe(0);
    expect(runBpf(ns, sampleIcmpv6(135, { vlan: 7 }))).toBe(0);
    const vlan7 = neighborSolicitationFilter({ vlan: 7 });
    expect(runBpf(vlan7, sampleIcmpv6(135, { vlan: 7 }))).toBeGreaterThan(0);
    expect(runBpf(vlan7, sampleIcmpv6(135, { vlan: 8 }))).toBe(0);
    const { frame, vlanTci } = untag(sampleIcmpv6(135, { vlan: 7 }));
    expect(runBpf(vlan7, frame, { vlanTci })).toBeGreaterThan(0);
  });

  it('never accepts truncated frames (a load past the end drops, as in the kernel)', () => {
    const ns = neighborSolicitationFilter();
    const full = sampleIcmpv6(135);
    expect(runBpf(ns, full.subarray(0, 14 + 40))).toBe(0);
    expect(runBpf(ns, full.subarray(0, 14 + 41))).toBeGreaterThan(0);
  });
});

describe('filters on arbitrary bytes', () => {
  it('accept exactly the frames a direct field check accepts', () => {
    const arp = arpRequestFilter();
    const ns = neighborSolicitationFilter();
    const seeds = [sampleArp(1), sampleArp(2), sampleIcmpv6(135), sampleIcmpv6(136), sampleIpv4()];
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(80), fc.nat(255)), { maxLength: 3 }),
        fc.nat(80),
      )
      .map(([seed, edits, cut]) => {
        const frame = Buffer.from(seed);
        for (const [at, value] of edits) if (at < frame.length) frame[at] = value;
        return frame.subarray(0, Math.max(cut, 0) < 14 ? frame.length : cut);
      });
    fc.assert(
      fc.property(mutated, (frame) => {
        const isArpRequest =
          frame.length >= 22 &&
          frame.readUInt16BE(12) === 0x0806 &&
          frame.readUInt32BE(14) === 0x00010800 &&
          frame.readUInt16BE(18) === 0x0604 &&
          frame.readUInt16BE(20) === 1;
        const isNs =
          frame.length >= 55 &&
          frame.readUInt16BE(12) === 0x86dd &&
          frame[20] === 58 &&
          frame[21] === 255 &&
          frame[54] === 135;
        expect(runBpf(arp, frame) > 0).toBe(isArpRequest);
        expect(runBpf(ns, frame) > 0).toBe(isNs);
      }),
      { numRuns },
    );
  });
});

describe('assemble', () => {
  it('resolves labels into forward offsets and encodes 8 bytes per instruction', () => {
    const program = assemble([
      load('half', 12),
      jumpIfEqual(0x0806, 'yes', 'no'),
      label('no'),
      drop(),
      label('yes'),
      accept(64),
    ]);
    expect(program).toEqual([
      { code: 0x28, jt: 0, jf: 0, k: 12 },
      { code: 0x15, jt: 1, jf: 0, k: 0x0806 },
      { code: 0x06, jt: 0, jf: 0, k: 0 },
      { code: 0x06, jt: 0, jf: 0, k: 64 },
    ]);
    expect(encodeBpfProgram(program)).toHaveLength(32);
  });

  it('refuses unknown and backward labels, and programs that do not end in a return', () => {
    expect(() => assemble([jumpIfEqual(1, 'nowhere'), drop()])).toThrow(InvalidArgumentError);
    expect(() => assemble([label('top'), load('byte', 0), jumpIfEqual(1, 'top'), drop()])).toThrow(
      InvalidArgumentError,
    );
    expect(() => assemble([load('byte', 0)])).toThrow(InvalidArgumentError);
    expect(() => assemble([])).toThrow(InvalidArgumentError);
  });
});
