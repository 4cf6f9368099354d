/**
 * A classic BPF interpreter with the kernel's semantics for the instructions our programs use
 * (loads, ALU, jumps, returns, scratch memory, the ancillary VLAN loads). It lets unit tests and
 * the in-memory PacketConn apply the very programs the kernel runs; the kernel tests check that
 * both agree on real frames.
 */
import { Bpf, BpfAncillary, type BpfProgram, skfAdOffset } from './bpf-instruction.ts';

/** What the kernel knows about a frame besides its bytes. */
export type BpfFrameMetadata = {
  /** 802.1Q TCI when the kernel moved a tag out of the frame. */
  readonly vlanTci?: number;
  readonly vlanTpid?: number;
  readonly pktType?: number;
  readonly ifindex?: number;
};

/** Runs `program` on `frame`; returns how many bytes the program keeps (0 = dropped). */
export function runBpf(program: BpfProgram, frame: Uint8Array, metadata: BpfFrameMetadata = {}): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const memory = new Uint32Array(16);
  let a = 0;
  let x = 0;
  const loadAt = (size: number, offset: number): number | undefined => {
    const bytes = size === Bpf.b ? 1 : size === Bpf.h ? 2 : 4;
    if (offset < 0 || offset + bytes > frame.byteLength) return undefined;
    return bytes === 1
      ? view.getUint8(offset)
      : bytes === 2
        ? view.getUint16(offset)
        : view.getUint32(offset);
  };
  const ancillary = (field: number): number => {
    switch (field) {
      case BpfAncillary.vlanTagPresent:
        return metadata.vlanTci === undefined ? 0 : 1;
      case BpfAncillary.vlanTag:
        return metadata.vlanTci ?? 0;
      case BpfAncillary.vlanTpid:
        return metadata.vlanTpid ?? 0x8100;
      case BpfAncillary.pktType:
        return metadata.pktType ?? 0;
      case BpfAncillary.ifindex:
        return metadata.ifindex ?? 0;
      case BpfAncillary.protocol:
        return loadAt(Bpf.h, 12) ?? 0;
      default:
        return 0;
    }
  };
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    const size = code & 0x18;
    const mode = code & 0xe0;
    switch (code & 0x07) {
      case Bpf.ld: {
        let value: number | undefined;
        if (mode === Bpf.imm) value = k;
        else if (mode === Bpf.len) value = frame.byteLength;
        else if (mode === Bpf.mem) value = memory[k & 15];
        else if (mode === Bpf.abs)
          value = k >>> 0 >= skfAdOffset ? ancillary((k >>> 0) - skfAdOffset) : loadAt(size, k);
        else if (mode === Bpf.ind) value = loadAt(size, (x + k) >>> 0);
        if (value === undefined) return 0;
        a = value >>> 0;
        break;
      }
      case Bpf.ldx: {
        if (mode === Bpf.imm) x = k >>> 0;
        else if (mode === Bpf.len) x = frame.byteLength;
        else if (mode === Bpf.mem) x = memory[k & 15]!;
        else if (mode === Bpf.msh) {
          const byte = loadAt(Bpf.b, k);
          if (byte === undefined) return 0;
          x = (byte & 0x0f) * 4;
        }
        break;
      }
      case Bpf.st:
        memory[k & 15] = a;
        break;
      case Bpf.stx:
        memory[k & 15] = x;
        break;
      case Bpf.alu: {
        const operand = (code & Bpf.x) === Bpf.x ? x : k >>> 0;
        const result = alu(code & 0xf0, a, operand);
        if (result === undefined) return 0;
        a = result >>> 0;
        break;
      }
      case Bpf.jmp: {
        const op = code & 0xf0;
        if (op === Bpf.ja) {
          pc += k;
          break;
        }
        const operand = (code & Bpf.x) === Bpf.x ? x : k >>> 0;
        const taken =
          op === Bpf.jeq
            ? a === operand
            : op === Bpf.jgt
              ? a > operand
              : op === Bpf.jge
                ? a >= operand
                : (a & operand) !== 0;
        pc += taken ? jt : jf;
        break;
      }
      case Bpf.ret:
        return (size === Bpf.retA ? a : k) >>> 0;
      case Bpf.misc:
        if ((code & 0xf8) === Bpf.txa) a = x;
        else x = a;
        break;
    }
  }
  return 0;
}

function alu(op: number, a: number, operand: number): number | undefined {
  switch (op) {
    case Bpf.add:
      return a + operand;
    case Bpf.sub:
      return a - operand;
    case Bpf.mul:
      return Math.imul(a, operand);
    case Bpf.div:
      return operand === 0 ? undefined : Math.floor(a / operand);
    case Bpf.mod:
      return operand === 0 ? undefined : a % operand;
    case Bpf.or:
      return a | operand;
    case Bpf.and:
      return a & operand;
    case Bpf.xor:
      return a ^ operand;
    case Bpf.lsh:
      return operand >= 32 ? 0 : a << operand;
    case Bpf.rsh:
      return operand >= 32 ? 0 : a >>> operand;
    case Bpf.neg:
      return -a;
    default:
      return undefined;
  }
}
