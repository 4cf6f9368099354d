/**
 * Allocation benchmark (issue 2). Prints a table; asserts nothing. Run with
 * `npm run bench -w @baremetal-lb/ipam` (needs --expose-gc for the heap figure; the script passes it).
 *
 * Timing: calls are timed in batches of BATCH with process.hrtime; a batch's mean is one sample,
 * and the table shows the median and p99 of those samples, so timer overhead (~50 ns) does not
 * dominate sub-microsecond calls. Request objects are built outside the timed region.
 */
import { cpus } from 'node:os';
import { Allocator, type ServiceRequest } from '../src/index.ts';

const BATCH = 100;
const PORTS = [{ protocol: 'TCP', port: 443 }] as const;

interface Row {
  readonly name: string;
  readonly ops: number;
  readonly samplesUs: number[];
  readonly totalMs: number;
}

const rows: Row[] = [];
const notes: string[] = [];

function request(key: string, ipv6 = false): ServiceRequest {
  return ipv6
    ? { key, namespace: 'bench', ports: PORTS, ipFamilies: ['IPv6'] }
    : { key, namespace: 'bench', ports: PORTS };
}

/** Runs `count` operations in timed batches; `prepare` builds a batch's inputs untimed. */
function measure<T>(
  name: string,
  count: number,
  prepare: (start: number, size: number) => T[],
  run: (input: T) => void,
) {
  const samplesUs: number[] = [];
  let totalNs = 0n;
  for (let start = 0; start < count; start += BATCH) {
    const inputs = prepare(start, Math.min(BATCH, count - start));
    const begin = process.hrtime.bigint();
    for (const input of inputs) run(input);
    const elapsed = process.hrtime.bigint() - begin;
    totalNs += elapsed;
    samplesUs.push(Number(elapsed) / 1000 / inputs.length);
  }
  rows.push({ name, ops: count, samplesUs, totalMs: Number(totalNs) / 1e6 });
}

function keysFrom(prefix: string) {
  return (start: number, size: number) => Array.from({ length: size }, (_, i) => `${prefix}-${start + i}`);
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// 1 and 5: 1,000,000 sequential allocations from one IPv4 /12, then heap per service. The keys are
// built (and kept by the bench) before the baseline, so (5) is what the allocator itself retains.
{
  const allocator = new Allocator([{ name: 'v4', addresses: ['192.0.0.0/12'] }]);
  const empty = heapUsed();
  const keys = keysFrom('ns/svc')(0, 1_000_000);
  const before = heapUsed();
  measure(
    '1. 1M sequential allocations, IPv4 /12',
    keys.length,
    (start, size) => keys.slice(start, start + size),
    (key) => {
      allocator.allocate(request(key));
    },
  );
  const after = heapUsed();
  const perService = (after - before) / allocator.size;
  const perKey = (before - empty) / keys.length;
  notes.push(
    `5. heap per allocated service after (1): ${perService.toFixed(1)} bytes retained by the allocator ` +
      `(heapUsed after GC, ${allocator.size.toLocaleString('en-US')} services); the key strings as this bench ` +
      `builds them ("ns/svc-123456") take another ${perKey.toFixed(1)} bytes each, which the caller owns and the allocator only references`,
  );
  if (allocator.assignmentOf('ns/svc-999999')?.ips[0] !== '192.15.66.63')
    throw new Error('unexpected last IP');
  keys.length = 0;
}

// 2: 10,000 allocations into a /16 that is 99% full (holes at random places).
{
  const allocator = new Allocator([{ name: 'full', addresses: ['198.18.0.0/16'] }]);
  const held: string[] = [];
  for (let i = 0; i < 65_536; i++) held.push(allocator.allocate(request(`ns/fill-${i}`)).serviceKey);
  shuffle(held, 7);
  for (let i = 0; i < 656; i++) allocator.release(held.pop() as string);
  let next = 0;
  measure(
    '2. 10k allocations, IPv4 /16 99% full',
    10_000,
    (start, size) => {
      // Untimed: free `size` random services so the pool stays 99% full with scattered holes.
      if (start > 0)
        for (let i = 0; i < size; i++)
          allocator.release(held.splice(Math.floor((i * 7919 + start) % held.length), 1)[0] as string);
      return keysFrom('ns/late')(start, size);
    },
    (key) => {
      allocator.allocate(request(key));
      held.push(key);
      next++;
    },
  );
  const stats = allocator.poolStats('full')?.ipv4;
  notes.push(`2. pool after run: ${stats?.inUse} of ${stats?.total} in use; ${next} allocations`);
}

// 3: 1,000,000 allocations from one IPv6 /64.
{
  const allocator = new Allocator([{ name: 'v6', addresses: ['2001:db8:1::/64'] }]);
  measure('3. 1M allocations, IPv6 /64', 1_000_000, keysFrom('ns/v6'), (key) => {
    allocator.allocate(request(key, true));
  });
}

// 4: 100,000 rounds of allocate + release (random victim) on a /16 holding 30,000 services.
{
  const allocator = new Allocator([{ name: 'churn', addresses: ['198.19.0.0/16'] }]);
  const held: string[] = [];
  for (let i = 0; i < 30_000; i++) held.push(allocator.allocate(request(`ns/base-${i}`)).serviceKey);
  let state = 12345;
  measure(
    '4. 100k rounds allocate+release, /16',
    100_000,
    (start, size) =>
      Array.from({ length: size }, (_, i) => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return { key: `ns/churn-${start + i}`, victim: state % held.length };
      }),
    ({ key, victim }) => {
      allocator.allocate(request(key));
      const gone = held[victim] as string;
      held[victim] = key;
      allocator.release(gone);
    },
  );
}

// Reference: a MetalLB-style linear scan (first free address from the start of the pool) on the
// same 99%-full /16, to show what the interval structure avoids. 1,000 allocations.
{
  const used = new Set<number>();
  const base = 0xc6120000;
  const order = shuffle(
    Array.from({ length: 65_536 }, (_, i) => i),
    7,
  );
  for (const offset of order.slice(0, 64_880)) used.add(base + offset);
  measure(
    'ref. linear scan (MetalLB-style), /16 99% full',
    1_000,
    (_, size) => Array.from({ length: size }, () => 0),
    () => {
      let ip = base;
      while (used.has(ip)) ip++;
      used.add(ip);
      used.delete(base + (order[65_535 - (ip % 600)] as number));
    },
  );
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpu}), batch ${BATCH}`);
console.log('');
console.log('| case | operations | median µs/op | p99 µs/op | total ms |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) {
  if (row.samplesUs.length === 0) continue;
  const sorted = [...row.samplesUs].sort((a, b) => a - b);
  console.log(
    `| ${row.name} | ${row.ops.toLocaleString('en-US')} | ${quantile(sorted, 0.5).toFixed(3)} | ${quantile(sorted, 0.99).toFixed(3)} | ${row.totalMs.toFixed(0)} |`,
  );
}
console.log('');
for (const note of notes) console.log(note);
