/**
 * A tiny typed assembler for classic BPF: write straight-line code with named labels, and
 * assemble() resolves the labels into the forward jump offsets the kernel wants (classic BPF only
 * jumps forward; conditional jumps reach at most 255 instructions).
 */
import { InvalidArgumentError } from '../packet-socket-error.ts';
import {
  Bpf,
  type BpfAncillary,
  type BpfInstruction,
  type BpfProgram,
  bpfMaxInstructions,
  skfAdOffset,
} from './bpf-instruction.ts';

/** A jump target: a label name, or 'next' for the following instruction. */
export type BpfTarget = string;

export type BpfStep =
  | { readonly kind: 'instruction'; readonly instruction: BpfInstruction }
  | {
      readonly kind: 'jump';
      readonly code: number;
      readonly k: number;
      readonly whenTrue: BpfTarget;
      readonly whenFalse: BpfTarget;
    }
  | { readonly kind: 'label'; readonly name: string };

const plain = (code: number, k = 0): BpfStep => ({
  kind: 'instruction',
  instruction: { code, jt: 0, jf: 0, k },
});

/** Load the byte, half-word (big-endian) or word (big-endian) at `offset` of the frame into A. */
export function load(size: 'byte' | 'half' | 'word', offset: number): BpfStep {
  const width = size === 'byte' ? Bpf.b : size === 'half' ? Bpf.h : Bpf.w;
  return plain(Bpf.ld | width | Bpf.abs, offset);
}

/** Load kernel metadata (the VLAN tag, packet type...) into A. */
export function loadAncillary(field: BpfAncillary): BpfStep {
  return plain(Bpf.ld | Bpf.w | Bpf.abs, (skfAdOffset + field) >>> 0);
}

/** A &= k. */
export function and(k: number): BpfStep {
  return plain(Bpf.alu | Bpf.and | Bpf.k, k);
}

/** Jump to `whenTrue` if A == k, else to `whenFalse`. */
export function jumpIfEqual(k: number, whenTrue: BpfTarget, whenFalse: BpfTarget = 'next'): BpfStep {
  return { kind: 'jump', code: Bpf.jmp | Bpf.jeq | Bpf.k, k, whenTrue, whenFalse };
}

/** Unconditional jump. */
export function jump(target: BpfTarget): BpfStep {
  return { kind: 'jump', code: Bpf.jmp | Bpf.ja, k: 0, whenTrue: target, whenFalse: target };
}

/** Stop: keep up to `bytes` bytes of the frame (0 drops it). */
export function accept(bytes = 0x40000): BpfStep {
  return plain(Bpf.ret | Bpf.k, bytes);
}

/** Stop and drop the frame. */
export function drop(): BpfStep {
  return plain(Bpf.ret | Bpf.k, 0);
}

/** Marks the position of the next instruction. */
export function label(name: string): BpfStep {
  return { kind: 'label', name };
}

/** Resolves labels into offsets; throws InvalidArgumentError on unknown or backward labels. */
export function assemble(steps: readonly BpfStep[]): BpfProgram {
  const positions = new Map<string, number>();
  let count = 0;
  for (const step of steps) {
    if (step.kind === 'label') {
      if (positions.has(step.name))
        throw new InvalidArgumentError('BPF program', `label "${step.name}" defined twice`);
      positions.set(step.name, count);
    } else count++;
  }
  if (count === 0 || count > bpfMaxInstructions) {
    throw new InvalidArgumentError(
      'BPF program',
      `${count} instructions (1 to ${bpfMaxInstructions} allowed)`,
    );
  }
  const offset = (from: number, target: BpfTarget, max: number): number => {
    const to = target === 'next' ? from + 1 : positions.get(target);
    if (to === undefined) throw new InvalidArgumentError('BPF program', `unknown label "${target}"`);
    const skip = to - from - 1;
    if (skip < 0 || skip > max) {
      throw new InvalidArgumentError(
        'BPF program',
        `jump to "${target}" must go 0 to ${max} instructions forward`,
      );
    }
    return skip;
  };
  const program: BpfInstruction[] = [];
  for (const step of steps) {
    if (step.kind === 'label') continue;
    const at = program.length;
    if (step.kind === 'instruction') program.push(step.instruction);
    else if (step.code === (Bpf.jmp | Bpf.ja)) {
      program.push({ code: step.code, jt: 0, jf: 0, k: offset(at, step.whenTrue, 0xffffffff) });
    } else {
      program.push({
        code: step.code,
        jt: offset(at, step.whenTrue, 255),
        jf: offset(at, step.whenFalse, 255),
        k: step.k,
      });
    }
  }
  const last = program.at(-1)!;
  if ((last.code & 0x07) !== Bpf.ret)
    throw new InvalidArgumentError('BPF program', 'the last instruction must return');
  return program;
}
