import { MetricsRegistry } from '@baremetal-lb/metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TallyCounter } from './tally-counter.ts';

function counterWithTallies() {
  const registry = new MetricsRegistry();
  let tallies: TallyCounter<'protocol' | 'outcome'> | undefined;
  const counter = registry.counter<'protocol' | 'outcome'>({
    name: 'frames_total',
    help: 'test',
    labelNames: ['protocol', 'outcome'],
    collect: () => tallies?.publish(),
  });
  tallies = new TallyCounter(counter, 'outcome', { protocol: 'arp' });
  return { registry, tallies };
}

function sample(registry: MetricsRegistry, outcome: string): number | undefined {
  const line = new RegExp(`^frames_total\\{protocol="arp",outcome="${outcome}"\\} (\\S+)$`, 'm');
  const value = line.exec(registry.metrics())?.[1];
  return value === undefined ? undefined : Number(value);
}

describe('TallyCounter', () => {
  it('publishes at scrape what was counted, with the fixed labels', async () => {
    const { registry, tallies } = counterWithTallies();
    tallies.inc('replied');
    tallies.inc('replied');
    tallies.inc('rateLimited');
    expect(registry.metrics()).toMatch(/^frames_total\{protocol="arp",outcome="replied"\} 2$/m);
    expect(sample(registry, 'rateLimited')).toBe(1);
  });

  it('never counts an increment twice, however increments and scrapes interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom('replied', 'notOurIp'), fc.constant('scrape' as const)), {
          maxLength: 60,
        }),
        async (steps) => {
          const { registry, tallies } = counterWithTallies();
          const expected = new Map<string, number>();
          for (const step of steps) {
            if (step === 'scrape') {
              for (const [outcome, n] of expected) expect(sample(registry, outcome)).toBe(n);
            } else {
              tallies.inc(step);
              expected.set(step, (expected.get(step) ?? 0) + 1);
            }
          }
          for (const [outcome, n] of expected) {
            expect(sample(registry, outcome)).toBe(n);
            expect(tallies.count(outcome)).toBe(n);
          }
        },
      ),
      { numRuns: process.env.FUZZ === '1' ? 1000 : 100 },
    );
  });
});
