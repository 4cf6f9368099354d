import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './metrics-error.ts';
import { MetricsRegistry } from './metrics-registry.ts';
import { registerProcessMetrics } from './process-metrics.ts';

/** One sample line of the 0.0.4 format, strictly: name, optional escaped labels, a float. */
const sampleLine =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/;

function registryWithEverything(): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.counter({ name: 'plain_total', help: 'A counter without labels.' }).inc(3);
  const c = registry.counter<'ip' | 'path'>({
    name: 'odd_labels_total',
    help: 'Help with a backslash \\ and a\nnew line and "quotes".',
    labelNames: ['ip', 'path'],
  });
  c.inc({ ip: '198.51.100.7', path: 'C:\\dir\n"quoted"' }, 2);
  c.inc({ ip: '2001:db8::1' });
  const g = registry.gauge<'pool'>({ name: 'pool_size', help: 'Gauge.', labelNames: ['pool'] });
  g.set({ pool: 'a' }, 9007199254740991);
  g.set({ pool: 'b' }, -0.5);
  g.set({ pool: 'c' }, Number.POSITIVE_INFINITY);
  const h = registry.histogram<'kind'>({
    name: 'duration_seconds',
    help: 'Histogram.',
    labelNames: ['kind'],
    buckets: [0.01, 0.1, 1],
  });
  h.observe({ kind: 'service' }, 0.005);
  h.observe({ kind: 'service' }, 0.1);
  h.observe({ kind: 'service' }, 7);
  registry.histogram({ name: 'empty_seconds', help: 'Never observed.', buckets: [1] });
  registerProcessMetrics(registry);
  return registry;
}

describe('MetricsRegistry exposition (text format 0.0.4)', () => {
  it('writes HELP and TYPE once per metric, then only well-formed samples', () => {
    const text = registryWithEverything().metrics();
    expect(text.endsWith('\n')).toBe(true);
    const seen = new Map<string, string>();
    let current = '';
    for (const line of text.slice(0, -1).split('\n')) {
      const header = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (header !== null) {
        if (header[1] === 'TYPE') {
          expect(seen.has(header[2] as string)).toBe(false);
          expect(['counter', 'gauge', 'histogram']).toContain(header[3]);
          seen.set(header[2] as string, header[3] as string);
        }
        current = header[2] as string;
        continue;
      }
      expect(line).toMatch(sampleLine);
      const name = /^[^{ ]+/.exec(line)?.[0] as string;
      const suffixes = seen.get(current) === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      expect(suffixes.map((s) => current + s)).toContain(name);
    }
    expect(text).toContain(
      '# HELP odd_labels_total Help with a backslash \\\\ and a\\nnew line and "quotes".\n',
    );
    expect(text).toContain('odd_labels_total{ip="198.51.100.7",path="C:\\\\dir\\n\\"quoted\\""} 2\n');
    expect(text).toContain('plain_total 3\n');
    expect(text).toContain('pool_size{pool="c"} +Inf\n');
  });

  it('writes cumulative buckets, +Inf, _sum and _count', () => {
    const text = registryWithEverything().metrics();
    expect(text).toContain(
      [
        'duration_seconds_bucket{kind="service",le="0.01"} 1',
        'duration_seconds_bucket{kind="service",le="0.1"} 2',
        'duration_seconds_bucket{kind="service",le="1"} 2',
        'duration_seconds_bucket{kind="service",le="+Inf"} 3',
        'duration_seconds_sum{kind="service"} 7.105',
        'duration_seconds_count{kind="service"} 3',
      ].join('\n'),
    );
    expect(text).toContain('empty_seconds_bucket{le="+Inf"} 0\nempty_seconds_sum 0\nempty_seconds_count 0\n');
  });

  it('is read back by the Prometheus Python client’s text parser (Debian python3)', (ctx) => {
    const script = [
      'import sys, json',
      'from prometheus_client.parser import text_string_to_metric_families',
      'out = []',
      'for f in text_string_to_metric_families(sys.stdin.read()):',
      '    for s in f.samples:',
      '        out.append([f.name, f.type, f.documentation, s.name, s.labels, repr(s.value)])',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', script], {
      input: registryWithEverything().metrics(),
      encoding: 'utf8',
    });
    if (run.error !== undefined || /No module named/.test(run.stderr)) {
      const why = 'python3-prometheus-client (Debian) is not installed: parser round trip skipped';
      if (process.env.BMLB_REQUIRE_ALL === '1') throw new Error(why);
      console.warn(`SKIP ${why}`);
      ctx.skip();
    }
    expect(run.stderr).toBe('');
    const samples = JSON.parse(run.stdout) as [
      string,
      string,
      string,
      string,
      Record<string, string>,
      string,
    ][];
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s[3] === name && JSON.stringify(s[4]) === JSON.stringify(labels));
    expect(find('odd_labels_total', { ip: '198.51.100.7', path: 'C:\\dir\n"quoted"' })?.[5]).toBe('2.0');
    expect(find('odd_labels_total', { ip: '2001:db8::1' })?.[5]).toBe('1.0');
    expect(find('odd_labels_total', { ip: '198.51.100.7', path: 'C:\\dir\n"quoted"' })?.[2]).toBe(
      'Help with a backslash \\ and a\nnew line and "quotes".',
    );
    expect(find('pool_size', { pool: 'a' })?.[5]).toBe('9007199254740991.0');
    expect(find('pool_size', { pool: 'c' })?.[5]).toBe('inf');
    expect(find('duration_seconds_bucket', { kind: 'service', le: '+Inf' })?.[5]).toBe('3.0');
    expect(find('duration_seconds_bucket', { kind: 'service', le: '+Inf' })?.[1]).toBe('histogram');
    expect(find('duration_seconds_sum', { kind: 'service' })?.[5]).toBe('7.105');
    expect(Number(find('process_resident_memory_bytes')?.[5])).toBeGreaterThan(1e6);
    expect(find('process_cpu_seconds_total')?.[1]).toBe('counter');
  });

  it('rejects misuse with typed errors', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter<'ip'>({ name: 'c_total', help: 'x', labelNames: ['ip'] });
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof MetricsError ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => c.inc({ nope: 'x' } as never))).toBe('UNKNOWN_LABEL');
    expect(codeOf(() => c.inc({ ip: 'x' }, -1))).toBe('NEGATIVE_INCREMENT');
    expect(codeOf(() => registry.counter({ name: 'c_total', help: 'again' }))).toBe('DUPLICATE_METRIC');
    expect(codeOf(() => registry.gauge({ name: '1bad', help: 'x' }))).toBe('INVALID_NAME');
    expect(codeOf(() => registry.gauge({ name: 'g', help: 'x', labelNames: ['__reserved'] }))).toBe(
      'INVALID_NAME',
    );
    expect(codeOf(() => registry.histogram({ name: 'h', help: 'x', buckets: [1, 1] }))).toBe(
      'INVALID_BUCKETS',
    );
  });

  it('drops series on reset; an unlabelled gauge starts from zero', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge<'pool'>({ name: 'per_pool', help: 'x', labelNames: ['pool'] });
    const single = registry.gauge({ name: 'single', help: 'x' });
    g.set({ pool: 'a' }, 1);
    single.set(5);
    g.reset();
    single.reset();
    g.set({ pool: 'b' }, 2);
    const text = registry.metrics();
    expect(text).not.toContain('pool="a"');
    expect(text).toContain('per_pool{pool="b"} 2\n');
    expect(text).toContain('single 0\n');
  });
});
