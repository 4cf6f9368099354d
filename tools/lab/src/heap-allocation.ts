/**
 * Allocation check for a benchmark loop: heap bytes used before and after `calls` calls with no
 * collection forced in between, and how many collections ran meanwhile. A loop that allocates
 * even 16 bytes per call grows the heap by 160 MB over 10M calls and triggers scavenges; one that
 * allocates nothing shows growth of the order of an empty loop's and no collection. Needs
 * `node --expose-gc`.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export type HeapAllocation = { readonly growthBytes: number; readonly gcs: number };

export async function measureHeapAllocation(
  run: (calls: number) => void,
  calls: number,
): Promise<HeapAllocation> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  run(100_000);
  gc();
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  run(calls);
  const after = process.memoryUsage().heapUsed;
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return { growthBytes: after - before, gcs };
}
