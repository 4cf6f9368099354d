/**
 * Giving the C heap's free pages back to the kernel. Node allocates Buffer and ArrayBuffer
 * memory, TLS and HTTP parser state and V8's own bookkeeping with malloc. glibc's free() returns
 * memory only from the top of an arena, so after a burst (thousands of API responses parsed at
 * once) the pages of free chunks below a live one stay resident, as the apps' benchmarks show:
 * several MB of RSS that nothing uses. malloc_trim(0) releases them.
 */
import { loadAddon } from './native-addon.ts';
import { InvalidArgumentError } from './packet-socket-error.ts';

/**
 * Runs malloc_trim(0) once: every whole free page of every arena goes back to the kernel. Returns
 * true if any memory was released. Throws NotSupportedError off Linux and AddonNotBuiltError
 * without the addon; under a C library without malloc_trim (musl) it does nothing and returns false.
 */
export function trimMallocHeap(): boolean {
  return loadAddon('malloc_trim').trimMallocHeap();
}

/** A periodic trim started by {@link startMallocTrim}. */
export type MallocTrimmer = {
  /** Trims run so far, and how many released memory. */
  readonly trims: number;
  readonly released: number;
  stop(): void;
};

/**
 * Default trim interval: after a burst the heap is back to its live size within 10 s (the apps'
 * benchmarks read memory 30 s after one); idle, a trim costs 1-7 ms, i.e. at most 0.04 CPU-s/min.
 */
export const defaultMallocTrimIntervalMs = 10_000;

/**
 * Trims every `intervalMs` on an unref'd timer (never keeps the process alive). A trim walks the
 * free chunks of every arena and advises the kernel of each whole free page (again on every call:
 * glibc does not remember what it released), so it costs a few ms whatever it gains. Returns
 * undefined, starting nothing, where {@link trimMallocHeap} cannot run (off Linux, addon not built).
 */
export function startMallocTrim(intervalMs = defaultMallocTrimIntervalMs): MallocTrimmer | undefined {
  if (!Number.isFinite(intervalMs) || intervalMs < 1_000) {
    throw new InvalidArgumentError('intervalMs', `${intervalMs} is not a number of ms >= 1000`);
  }
  let trim: () => boolean;
  try {
    trim = loadAddon('malloc_trim').trimMallocHeap;
  } catch {
    return undefined;
  }
  const state = { trims: 0, released: 0 };
  const timer = setInterval(() => {
    state.trims++;
    if (trim()) state.released++;
  }, intervalMs);
  timer.unref();
  return {
    get trims() {
      return state.trims;
    },
    get released() {
      return state.released;
    },
    stop: () => clearInterval(timer),
  };
}
