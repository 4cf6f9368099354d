/**
 * The process and Node.js metrics Prometheus clients conventionally expose (the names
 * prom-client's default metrics use), read when scraped. Nothing runs between scrapes: no
 * event-loop-delay monitor and no GC observer, which cost CPU on an idle process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import type { MetricsRegistry } from './metrics-registry.ts';

/** Registers `process_*` and `nodejs_*` metrics on `registry`. */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  let lastCpu = { user: 0, system: 0 };
  const cpuUser = registry.counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    collect: () => {
      const cpu = process.cpuUsage();
      cpuUser.inc((cpu.user - lastCpu.user) / 1e6);
      cpuSystem.inc((cpu.system - lastCpu.system) / 1e6);
      cpuTotal.inc((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1e6);
      lastCpu = cpu;
    },
  });
  const cpuSystem = registry.counter({
    name: 'process_cpu_system_seconds_total',
    help: 'Total system CPU time spent in seconds.',
  });
  const cpuTotal = registry.counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
  });
  registry
    .gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
    })
    .set(Math.round(Date.now() / 1000 - process.uptime()));

  const rss = registry.gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    collect: () => {
      const current = readProcStatus();
      rss.set(current.get('VmRSS') ?? process.memoryUsage.rss());
      virtual.set(current.get('VmSize') ?? 0);
      heap.set(current.get('VmData') ?? 0);
    },
  });
  const virtual = registry.gauge({
    name: 'process_virtual_memory_bytes',
    help: 'Virtual memory size in bytes.',
  });
  const heap = registry.gauge({ name: 'process_heap_bytes', help: 'Process heap size in bytes.' });
  const openFds = registry.gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    collect: () => openFds.set(countOpenFds()),
  });
  registry
    .gauge({ name: 'process_max_fds', help: 'Maximum number of open file descriptors.' })
    .set(readMaxFds());

  const heapTotal = registry.gauge({
    name: 'nodejs_heap_size_total_bytes',
    help: 'Process heap size from Node.js in bytes.',
    collect: () => {
      const memory = process.memoryUsage();
      heapTotal.set(memory.heapTotal);
      heapUsed.set(memory.heapUsed);
      external.set(memory.external);
    },
  });
  const heapUsed = registry.gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'Process heap size used from Node.js in bytes.',
  });
  const external = registry.gauge({
    name: 'nodejs_external_memory_bytes',
    help: 'Node.js external memory size in bytes.',
  });
  const spaceTotal = registry.gauge<'space'>({
    name: 'nodejs_heap_space_size_total_bytes',
    help: 'Process heap space size total from Node.js in bytes.',
    labelNames: ['space'],
    collect: () => {
      for (const s of getHeapSpaceStatistics()) {
        const space = s.space_name.replace(/_space$/, '');
        spaceTotal.set({ space }, s.space_size);
        spaceUsed.set({ space }, s.space_used_size);
        spaceAvailable.set({ space }, s.space_available_size);
      }
    },
  });
  const spaceUsed = registry.gauge<'space'>({
    name: 'nodejs_heap_space_size_used_bytes',
    help: 'Process heap space size used from Node.js in bytes.',
    labelNames: ['space'],
  });
  const spaceAvailable = registry.gauge<'space'>({
    name: 'nodejs_heap_space_size_available_bytes',
    help: 'Process heap space size available from Node.js in bytes.',
    labelNames: ['space'],
  });
  const resources = registry.gauge<'type'>({
    name: 'nodejs_active_resources',
    help: 'Active resources keeping the event loop alive, by type.',
    labelNames: ['type'],
    collect: () => {
      const byType = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo()) byType.set(type, (byType.get(type) ?? 0) + 1);
      resources.reset();
      for (const [type, n] of byType) resources.set({ type }, n);
      resourcesTotal.set([...byType.values()].reduce((a, b) => a + b, 0));
    },
  });
  const resourcesTotal = registry.gauge({
    name: 'nodejs_active_resources_total',
    help: 'Total number of active resources.',
  });
  registerActiveByType(registry, 'handles', 'Number of active libuv handles', '_getActiveHandles');
  registerActiveByType(registry, 'requests', 'Number of active libuv requests', '_getActiveRequests');
  const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
  registry
    .gauge<'version' | 'major' | 'minor' | 'patch'>({
      name: 'nodejs_version_info',
      help: 'Node.js version info.',
      labelNames: ['version', 'major', 'minor', 'patch'],
    })
    .set({ version: process.version, major, minor, patch }, 1);
}

/** `/proc/self/status` sizes in bytes (Linux); empty elsewhere. */
function readProcStatus(): Map<string, number> {
  const sizes = new Map<string, number>();
  try {
    for (const m of readFileSync('/proc/self/status', 'latin1').matchAll(/^(Vm\w+):\s+(\d+) kB$/gm)) {
      sizes.set(m[1] as string, Number(m[2]) * 1024);
    }
  } catch {
    // Not Linux: the caller falls back to process.memoryUsage.
  }
  return sizes;
}

function countOpenFds(): number {
  try {
    return readdirSync('/proc/self/fd').length - 1; // less the descriptor readdir itself opened
  } catch {
    return 0;
  }
}

function readMaxFds(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

type InternalProcess = { readonly [K in '_getActiveHandles' | '_getActiveRequests']?: () => object[] };

/** `nodejs_active_<what>{type}` and `nodejs_active_<what>_total`, from Node's internal lists. */
function registerActiveByType(
  registry: MetricsRegistry,
  what: 'handles' | 'requests',
  help: string,
  list: keyof InternalProcess,
): void {
  const byType = registry.gauge<'type'>({
    name: `nodejs_active_${what}`,
    help: `${help} grouped by type.`,
    labelNames: ['type'],
    collect: () => {
      const items = (process as InternalProcess)[list]?.() ?? [];
      const counts = new Map<string, number>();
      for (const item of items)
        counts.set(item.constructor.name, (counts.get(item.constructor.name) ?? 0) + 1);
      byType.reset();
      for (const [type, n] of counts) byType.set({ type }, n);
      total.set(items.length);
    },
  });
  const total = registry.gauge({ name: `nodejs_active_${what}_total`, help: `Total ${help.toLowerCase()}.` });
}
