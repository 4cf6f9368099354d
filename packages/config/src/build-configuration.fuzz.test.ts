/**
 * Whatever arrives from the API, buildConfiguration returns data and never throws; what it uses
 * is consistent: no used pool has an error, used pools never overlap, advertisements only cover
 * used pools.
 */
import { findPoolOverlaps } from '@baremetal-lb/ipam';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';

const numRuns = process.env.FUZZ === '1' ? 20_000 : 300;

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet).map(([c, d]) => `192.0.${c % 4}.${d}`);
const entry = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 22, max: 32 })).map(([ip, length]) => `${ip}/${length}`),
  fc.tuple(ipv4, ipv4).map(([a, b]) => `${a}-${b}`),
  fc
    .tuple(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 120, max: 128 }))
    .map(([g, l]) => `2001:db8::${g.toString(16)}/${l}`),
  fc.string({ maxLength: 12 }),
);
const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const labels = fc.dictionary(fc.constantFrom('tier', 'zone'), fc.constantFrom('x', 'y'), { maxKeys: 2 });
const selector = fc.oneof(
  fc.record({ matchLabels: labels }),
  fc.record({
    matchExpressions: fc.array(
      fc.record({
        key: fc.constantFrom('tier', 'zone'),
        operator: fc.constantFrom('In', 'NotIn', 'Exists', 'Bogus'),
        values: fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  }),
  fc.anything(),
);
const poolObject = fc.oneof(
  fc.record({
    metadata: fc.record(
      { name, labels, creationTimestamp: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z') },
      { requiredKeys: ['name'] },
    ),
    spec: fc.record(
      {
        addresses: fc.array(entry, { maxLength: 3 }),
        autoAssign: fc.oneof(fc.boolean(), fc.anything()),
        serviceAllocation: fc.record(
          {
            priority: fc.integer({ min: -2, max: 5 }),
            namespaceSelectors: fc.array(selector, { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['addresses'] },
    ),
  }),
  fc.anything(),
);
const advertisementObject = fc.oneof(
  fc.record({
    metadata: fc.record({ name }),
    spec: fc.record(
      {
        ipAddressPools: fc.array(fc.oneof(name, fc.anything()), { maxLength: 3 }),
        ipAddressPoolSelectors: fc.array(selector, { maxLength: 2 }),
        nodeSelectors: fc.array(selector, { maxLength: 2 }),
        interfaces: fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }),
        preferredNodeSelectors: fc.array(
          fc.record({ weight: fc.integer({ min: -1, max: 101 }), preference: selector }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.anything(),
);
const node = fc.oneof(
  fc.record({ metadata: fc.record({ name: fc.constantFrom('n1', 'n2', 'n3'), labels }) }),
  fc.anything(),
);

describe('buildConfiguration on arbitrary objects', () => {
  it('never throws and keeps what it uses consistent', () => {
    fc.assert(
      fc.property(
        fc.array(poolObject, { maxLength: 5 }),
        fc.array(advertisementObject, { maxLength: 3 }),
        fc.array(node, { maxLength: 3 }),
        (pools, l2Advertisements, nodes) => {
          const config = buildConfiguration({ pools, l2Advertisements, nodes, namespaces: nodes } as never);
          const used = new Set(config.pools.map((pool) => pool.name));
          // A duplicated name (impossible within one namespace) is reported under the name both share.
          const errored = new Set(
            config.problems
              .filter((p) => p.severity === 'error' && p.code !== ConfigProblemCode.duplicateName)
              .map((p) => `${p.object.kind}/${p.object.name}`),
          );
          for (const pool of used) expect(errored.has(`IPAddressPool/${pool}`)).toBe(false);
          expect(findPoolOverlaps(config.poolSpecs)).toEqual([]);
          for (const advertisement of config.l2Advertisements) {
            expect(errored.has(`L2Advertisement/${advertisement.name}`)).toBe(false);
            for (const pool of advertisement.pools) expect(used.has(pool)).toBe(true);
          }
          for (const problem of config.problems) expect(typeof problem.message).toBe('string');
        },
      ),
      { numRuns },
    );
  });
});
