import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accept, and, assemble, drop, jumpIfEqual, label, load, loadAncillary } from './bpf-assembler.ts';
import { Bpf, BpfAncillary } from './bpf-instruction.ts';
import { runBpf } from './run-bpf.ts';

const numRuns = process.env.FUZZ === '1' ? 50_000 : 500;

describe('runBpf', () => {
  it('loads big-endian, masks, compares and returns like the kernel', () => {
    const program = assemble([
      load('half', 2),
      and(0x0fff),
      jumpIfEqual(0x0234, 'yes', 'no'),
      label('no'),
      drop(),
      label('yes'),
      accept(99),
    ]);
    expect(runBpf(program, Buffer.from([0, 0, 0xf2, 0x34]))).toBe(99);
    expect(runBpf(program, Buffer.from([0, 0, 0xf2, 0x35]))).toBe(0);
    expect(runBpf(program, Buffer.from([0, 0, 0xf2]))).toBe(0); // load past the end drops
  });

  it('reads the VLAN tag from metadata through the ancillary loads', () => {
    const program = assemble([
      loadAncillary(BpfAncillary.vlanTag),
      and(0x0fff),
      jumpIfEqual(7, 'yes'),
      drop(),
      label('yes'),
      accept(),
    ]);
    expect(runBpf(program, Buffer.alloc(60), { vlanTci: 0x2007 })).toBeGreaterThan(0);
    expect(runBpf(program, Buffer.alloc(60), { vlanTci: 8 })).toBe(0);
    expect(runBpf(program, Buffer.alloc(60))).toBe(0);
  });

  it('never throws on arbitrary instructions and frames', () => {
    const instruction = fc.record({
      code: fc.integer({ min: 0, max: 0xffff }),
      jt: fc.nat(255),
      jf: fc.nat(255),
      k: fc.oneof(fc.nat(80), fc.integer({ min: 0, max: 0xffffffff })),
    });
    fc.assert(
      fc.property(
        fc.array(instruction, { minLength: 1, maxLength: 30 }),
        fc.uint8Array({ maxLength: 100 }),
        (program, frame) => {
          const result = runBpf([...program, { code: Bpf.ret | Bpf.k, jt: 0, jf: 0, k: 1 }], frame);
          expect(Number.isInteger(result) && result >= 0).toBe(true);
        },
      ),
      { numRuns },
    );
  });
});
