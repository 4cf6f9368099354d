/**
 * Classic BPF (the filter language of SO_ATTACH_FILTER, see the kernel's
 * Documentation/networking/filter.rst): instruction encoding and opcode constants. One
 * instruction is `struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }`, 8 bytes in host byte
 * order.
 */
import { endianness } from 'node:os';

export type BpfInstruction = {
  readonly code: number;
  /** Instructions to skip when a conditional jump is true. */
  readonly jt: number;
  /** Instructions to skip when a conditional jump is false. */
  readonly jf: number;
  readonly k: number;
};

/** A complete program, ready for the kernel or for runBpf(). */
export type BpfProgram = readonly BpfInstruction[];

/** Bytes per instruction (struct sock_filter). */
export const bpfInstructionBytes = 8;
/** The kernel refuses longer programs (BPF_MAXINSNS). */
export const bpfMaxInstructions = 4096;

/** Opcode parts (linux/bpf_common.h). */
export const Bpf = {
  // classes
  ld: 0x00,
  ldx: 0x01,
  st: 0x02,
  stx: 0x03,
  alu: 0x04,
  jmp: 0x05,
  ret: 0x06,
  misc: 0x07,
  // sizes
  w: 0x00,
  h: 0x08,
  b: 0x10,
  // modes
  imm: 0x00,
  abs: 0x20,
  ind: 0x40,
  mem: 0x60,
  len: 0x80,
  msh: 0xa0,
  // alu operations
  add: 0x00,
  sub: 0x10,
  mul: 0x20,
  div: 0x30,
  or: 0x40,
  and: 0x50,
  lsh: 0x60,
  rsh: 0x70,
  neg: 0x80,
  mod: 0x90,
  xor: 0xa0,
  // jumps
  ja: 0x00,
  jeq: 0x10,
  jgt: 0x20,
  jge: 0x30,
  jset: 0x40,
  // operand source
  k: 0x00,
  x: 0x08,
  // return value source
  retA: 0x10,
  // misc
  tax: 0x00,
  txa: 0x80,
} as const;

/**
 * Ancillary data the kernel exposes to loads at SKF_AD_OFF + n (linux/filter.h). The 802.1Q tag
 * of a received frame is usually not in the packet bytes: the kernel moves it into metadata
 * before packet sockets see the frame, so filters must read it from here.
 */
export const BpfAncillary = {
  protocol: 0,
  pktType: 4,
  ifindex: 8,
  vlanTag: 44,
  vlanTagPresent: 48,
  vlanTpid: 60,
} as const;
export type BpfAncillary = (typeof BpfAncillary)[keyof typeof BpfAncillary];

/** SKF_AD_OFF: -0x1000 as an unsigned 32-bit offset. */
export const skfAdOffset = 0xfffff000;

/** The kernel's byte layout of a program (host byte order). */
export function encodeBpfProgram(program: BpfProgram): Buffer {
  const out = Buffer.alloc(program.length * bpfInstructionBytes);
  const little = endianness() === 'LE';
  for (const [i, ins] of program.entries()) {
    const at = i * bpfInstructionBytes;
    if (little) {
      out.writeUInt16LE(ins.code, at);
      out.writeUInt32LE(ins.k >>> 0, at + 4);
    } else {
      out.writeUInt16BE(ins.code, at);
      out.writeUInt32BE(ins.k >>> 0, at + 4);
    }
    out.writeUInt8(ins.jt, at + 2);
    out.writeUInt8(ins.jf, at + 3);
  }
  return out;
}
