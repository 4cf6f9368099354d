/**
 * The free addresses of one pool and family, as sorted disjoint inclusive intervals [start, end].
 * Intervals live in chunks of at most CHUNK_MAX_INTERVALS, so finding, splitting and merging cost
 * O(log n + chunk size) however fragmented the pool is, and the lowest free address is O(1).
 *
 * Values are numbers for IPv4 and bigints for IPv6. The code is written once against `number`;
 * an IPv6 instance holds bigints and `one = 1n`, and every operation it uses (+, -, <, ===) works
 * the same on two bigints, so the static `number` type is a convenient fiction for IPv6.
 */

/** Why 256: splice cost stays a few hundred ns, and chunk search depth stays tiny for 10^6 holes. */
const CHUNK_MAX_INTERVALS = 256;

interface Chunk {
  starts: number[];
  ends: number[];
}

export class FreeRanges<T extends number | bigint> {
  private readonly chunks: Chunk[] = [];
  private readonly one: number;

  /** `ranges` must be sorted and disjoint; `one` is 1 for IPv4 and 1n for IPv6. */
  constructor(ranges: readonly (readonly [T, T])[], one: T) {
    this.one = one as number;
    let chunk: Chunk | undefined;
    for (const [start, end] of ranges) {
      if (chunk === undefined || chunk.starts.length >= CHUNK_MAX_INTERVALS) {
        chunk = { starts: [], ends: [] };
        this.chunks.push(chunk);
      }
      chunk.starts.push(start as number);
      chunk.ends.push(end as number);
    }
  }

  isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  /** The lowest free interval's start, or undefined when nothing is free. */
  firstStart(): T | undefined {
    return this.chunks[0]?.starts[0] as T | undefined;
  }

  firstEnd(): T | undefined {
    return this.chunks[0]?.ends[0] as T | undefined;
  }

  /** Drops the lowest interval (used to discard intervals that hold only avoided addresses). */
  dropFirst(): void {
    this.deleteAt(0, 0);
  }

  contains(value: T): boolean {
    const x = value as number;
    const c = this.chunkFor(x);
    if (c < 0) return false;
    const chunk = this.chunks[c] as Chunk;
    const i = lastAtMost(chunk.starts, x);
    return i >= 0 && x <= (chunk.ends[i] as number);
  }

  /** Marks `value` used. Returns false (and changes nothing) when it was not free. */
  remove(value: T): boolean {
    const x = value as number;
    const c = this.chunkFor(x);
    if (c < 0) return false;
    const chunk = this.chunks[c] as Chunk;
    const i = lastAtMost(chunk.starts, x);
    if (i < 0) return false;
    const start = chunk.starts[i] as number;
    const end = chunk.ends[i] as number;
    if (x > end) return false;
    if (start === end) this.deleteAt(c, i);
    else if (x === start) chunk.starts[i] = x + this.one;
    else if (x === end) chunk.ends[i] = x - this.one;
    else {
      chunk.ends[i] = x - this.one;
      this.insertAt(c, i + 1, x + this.one, end);
    }
    return true;
  }

  /** Marks `value` free, merging with adjacent intervals. Returns false when it already was free. */
  add(value: T): boolean {
    const x = value as number;
    const one = this.one;
    if (this.chunks.length === 0) {
      this.chunks.push({ starts: [x], ends: [x] });
      return true;
    }
    let c = this.chunkFor(x);
    let i: number;
    if (c < 0) {
      c = 0;
      i = -1;
    } else {
      i = lastAtMost((this.chunks[c] as Chunk).starts, x);
    }
    const chunk = this.chunks[c] as Chunk;
    // Predecessor (c, i) when i >= 0; successor is (c, i + 1) or the next chunk's first interval.
    if (i >= 0 && x <= (chunk.ends[i] as number)) return false;
    const joinsPrevious = i >= 0 && (chunk.ends[i] as number) + one === x;
    let nextChunk = c;
    let next = i + 1;
    if (next >= chunk.starts.length) {
      nextChunk = c + 1;
      next = 0;
    }
    const successor = this.chunks[nextChunk];
    const joinsNext = successor !== undefined && x + one === successor.starts[next];
    if (joinsPrevious && joinsNext) {
      chunk.ends[i] = (successor as Chunk).ends[next] as number;
      this.deleteAt(nextChunk, next);
    } else if (joinsPrevious) {
      chunk.ends[i] = x;
    } else if (joinsNext) {
      (successor as Chunk).starts[next] = x;
    } else {
      this.insertAt(c, i + 1, x, x);
    }
    return true;
  }

  /** Number of disjoint free intervals (for tests and diagnostics). */
  intervalCount(): number {
    let count = 0;
    for (const chunk of this.chunks) count += chunk.starts.length;
    return count;
  }

  /** Every free interval, lowest first (for tests and diagnostics). */
  *intervals(): IterableIterator<readonly [T, T]> {
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.starts.length; i++) yield [chunk.starts[i] as T, chunk.ends[i] as T];
    }
  }

  /** Index of the last chunk whose first start is <= x, or -1. */
  private chunkFor(x: number): number {
    const chunks = this.chunks;
    let low = 0;
    let high = chunks.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (((chunks[mid] as Chunk).starts[0] as number) <= x) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }

  private deleteAt(c: number, i: number): void {
    const chunk = this.chunks[c] as Chunk;
    if (i === 0 && chunk.starts.length === 1) {
      this.chunks.splice(c, 1);
      return;
    }
    chunk.starts.splice(i, 1);
    chunk.ends.splice(i, 1);
  }

  private insertAt(c: number, i: number, start: number, end: number): void {
    const chunk = this.chunks[c] as Chunk;
    chunk.starts.splice(i, 0, start);
    chunk.ends.splice(i, 0, end);
    if (chunk.starts.length > 2 * CHUNK_MAX_INTERVALS) {
      const half = chunk.starts.length >>> 1;
      this.chunks.splice(c + 1, 0, { starts: chunk.starts.splice(half), ends: chunk.ends.splice(half) });
    }
  }
}

/** Index of the last element <= x in a sorted array, or -1. */
function lastAtMost(sorted: readonly number[], x: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) <= x) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
