import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TallyCounter } from './tally-counter.ts';

function counterWithTallies() {
  const registry = new Registry();
  let tallies: TallyCounter<'protocol' | 'outcome'> | undefined;
  const counter = new Counter({
    name: 'frames_total',
    help: 'test',
    labelNames: ['protocol', 'outcome'],
    registers: [registry],
    collect: () => tallies?.publish(),
  });
  tallies = new TallyCounter(counter, 'outcome', { protocol: 'arp' });
  return { registry, tallies };
}

async function sample(registry: Registry, outcome: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('frames_total')?.get();
  return metric?.values.find((v) => v.labels.outcome === outcome && v.labels.protocol === 'arp')?.value;
}

describe('TallyCounter', () => {
  it('publishes at scrape what was counted, with the fixed labels', async () => {
    const { registry, tallies } = counterWithTallies();
    tallies.inc('replied');
    tallies.inc('replied');
    tallies.inc('rateLimited');
    expect(await registry.metrics()).toMatch(/^frames_total\{protocol="arp",outcome="replied"\} 2$/m);
    expect(await sample(registry, 'rateLimited')).toBe(1);
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
              for (const [outcome, n] of expected) expect(await sample(registry, outcome)).toBe(n);
            } else {
              tallies.inc(step);
              expected.set(step, (expected.get(step) ?? 0) + 1);
            }
          }
          for (const [outcome, n] of expected) {
            expect(await sample(registry, outcome)).toBe(n);
            expect(tallies.count(outcome)).toBe(n);
          }
        },
      ),
      { numRuns: process.env.FUZZ === '1' ? 1000 : 100 },
    );
  });
});
