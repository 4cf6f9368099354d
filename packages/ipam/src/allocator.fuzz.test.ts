/**
 * Model-based property test: random sequences of setPools / allocate / assign / release run
 * against the Allocator and a brute-force ReferenceAllocator; outcomes and state must agree, and
 * the invariants of the issue hold after every step. 1,000 runs; 100,000 with FUZZ=1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.ts';
import { familyOf, type IpValue, parseIp } from './ip-address.ts';
import { IpamError } from './ipam-error.ts';
import type { PoolSpec } from './pool-spec.ts';
import type { PoolStats } from './pool-stats.ts';
import { type ModelHolding, type Outcome, ReferenceAllocator } from './reference-allocator.test.helper.ts';
import type { ServicePort, ServiceRequest } from './service-request.ts';

const numRuns = process.env.FUZZ === '1' ? 100_000 : 1_000;

const FRAGMENTS = [
  '192.0.2.0/30',
  '192.0.2.4-192.0.2.6',
  '192.0.2.7/32',
  '192.0.2.8/31',
  '192.0.2.254-192.0.3.1',
  '2001:db8::/126',
  '2001:db8::10-2001:db8::12',
];
const UNIVERSE = [
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '254', '255'].map((d) => `192.0.2.${d}`),
  '192.0.3.0',
  '192.0.3.1',
  '203.0.113.1',
  ...['0', '1', '2', '3', '10', '11', '12'].map((h) => `2001:db8::${h}`),
];
const KEYS = ['a/1', 'a/2', 'a/3', 'b/1', 'b/2', 'b/3'];
const PORTS: readonly ServicePort[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'UDP', port: 80 },
  { protocol: 'TCP', port: 443 },
];

const poolSetArb: fc.Arbitrary<PoolSpec[]> = fc
  .record({
    owners: fc.array(fc.integer({ min: 0, max: 3 }), {
      minLength: FRAGMENTS.length,
      maxLength: FRAGMENTS.length,
    }),
    options: fc.array(
      fc.record({
        autoAssign: fc.oneof(fc.constant(undefined), fc.boolean()),
        avoidBuggyIPs: fc.boolean(),
        allocation: fc.option(
          fc.record({
            priority: fc.integer({ min: 0, max: 3 }),
            namespaces: fc.subarray(['a', 'b']),
            namespaceSelectors: fc.subarray([{ matchLabels: { team: 'x' } }]),
            serviceSelectors: fc.subarray([{ matchLabels: { app: 'x' } }, { matchLabels: { app: 'y' } }]),
          }),
          { freq: 2 },
        ),
      }),
      { minLength: 3, maxLength: 3 },
    ),
    overlap: fc.integer({ min: 0, max: 19 }),
  })
  .map(({ owners, options, overlap }) => {
    const specs: PoolSpec[] = [];
    options.forEach((option, index) => {
      const addresses = FRAGMENTS.filter((_, f) => owners[f] === index);
      if (index === 0 && overlap === 0) addresses.push('192.0.2.2/31');
      if (addresses.length === 0) return;
      specs.push({
        name: `p${index}`,
        addresses,
        ...(option.autoAssign === undefined ? {} : { autoAssign: option.autoAssign }),
        avoidBuggyIPs: option.avoidBuggyIPs,
        ...(option.allocation === null ? {} : { serviceAllocation: option.allocation }),
      });
    });
    return specs;
  });

const requestArb: fc.Arbitrary<ServiceRequest> = fc
  .record({
    key: fc.constantFrom(...KEYS),
    app: fc.constantFrom('x', 'y'),
    sharingKey: fc.constantFrom('', 'k1', 'k2'),
    backendKey: fc.constantFrom('', 'b1'),
    ports: fc.subarray([...PORTS]),
    ipFamilyPolicy: fc.constantFrom('SingleStack', 'PreferDualStack', 'RequireDualStack'),
    ipFamilies: fc.constantFrom(['IPv4'], ['IPv6'], ['IPv4', 'IPv6'], ['IPv6', 'IPv4']),
    requestedIPs: fc.oneof(
      { weight: 5, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...UNIVERSE), { minLength: 1, maxLength: 2 }) },
    ),
    pool: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, fc.constantFrom('p0', 'p1', 'p2', 'p3')),
  })
  .map(({ key, app, pool, ...rest }) => {
    const namespace = key.slice(0, 1);
    return {
      key,
      namespace,
      namespaceLabels: namespace === 'a' ? { team: 'x' } : {},
      labels: { app },
      ...rest,
      ...(pool === undefined ? {} : { pool }),
    } as ServiceRequest;
  });

type Op =
  | { readonly type: 'setPools'; readonly specs: PoolSpec[] }
  | { readonly type: 'allocate'; readonly request: ServiceRequest }
  | { readonly type: 'assign'; readonly request: ServiceRequest; readonly ips: string[] }
  | { readonly type: 'release'; readonly key: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: poolSetArb.map((specs) => ({ type: 'setPools' as const, specs })) },
  { weight: 6, arbitrary: requestArb.map((request) => ({ type: 'allocate' as const, request })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(requestArb, fc.array(fc.constantFrom(...UNIVERSE), { minLength: 1, maxLength: 2 }))
      .map(([request, ips]) => ({ type: 'assign' as const, request, ips })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...KEYS).map((key) => ({ type: 'release' as const, key })) },
);

function outcomeOf(action: () => unknown): Outcome | { readonly keys: unknown } {
  try {
    const result = action();
    return result !== null && typeof result === 'object' && 'serviceKey' in result
      ? { ok: result as Outcome extends { ok: infer A } ? A : never }
      : { keys: result };
  } catch (error) {
    if (error instanceof IpamError) return { error: error.code };
    throw error;
  }
}

/** Pool statistics recounted from the model by enumeration. */
function recount(model: ReferenceAllocator): PoolStats[] {
  return model.pools.map((pool) => {
    const family = (type: 'number' | 'bigint') => {
      const usable = pool.addresses.filter((ip) => typeof ip === type && model.permits(pool, ip));
      const inUse = usable.filter((ip) => model.holdersOf(ip).length > 0).length;
      return { total: BigInt(usable.length), inUse, available: BigInt(usable.length - inUse) };
    };
    return { pool: pool.spec.name, ipv4: family('number'), ipv6: family('bigint') };
  });
}

function checkInvariants(
  real: Allocator,
  model: ReferenceAllocator,
  lastRequest: Map<string, ServiceRequest>,
) {
  expect([...real.serviceKeys()].sort()).toEqual([...model.holdings.keys()].sort());
  for (const key of model.holdings.keys()) expect(real.assignmentOf(key)).toEqual(model.describe(key));
  expect(real.allPoolStats()).toEqual(recount(model));
  const held = new Set<string>();
  for (const key of real.serviceKeys()) for (const ip of real.assignmentOf(key)?.ips ?? []) held.add(ip);
  for (const ip of held) {
    // Every IP lies in a pool that permits it.
    const value = parseIp(ip) as IpValue;
    const pool = model.pools.find((p) => p.spec.name === real.poolOf(ip));
    expect(pool !== undefined && model.permits(pool, value)).toBe(true);
    // No IP is held by two incompatible services.
    const holders = real.holdersOf(ip);
    if (holders.length > 1) {
      const holdings = holders.map((key) => model.holdings.get(key) as ModelHolding);
      const first = holdings[0] as ModelHolding;
      expect(first.sharingKey).not.toBe('');
      for (const h of holdings)
        expect([h.sharingKey, h.backendKey]).toEqual([first.sharingKey, first.backendKey]);
      const ports = holdings.flatMap((h) => h.ports.map((p) => `${p.protocol}/${p.port}`));
      expect(new Set(ports).size).toBe(ports.length);
    }
    expect(familyOf(value)).toBe(ip.includes(':') ? 'IPv6' : 'IPv4');
  }
  // Restart: replaying every assignment into a fresh allocator reproduces them exactly.
  const fresh = new Allocator(real.pools());
  for (const key of real.serviceKeys()) {
    fresh.assign(lastRequest.get(key) as ServiceRequest, real.assignmentOf(key)?.ips ?? []);
  }
  for (const key of real.serviceKeys()) expect(fresh.assignmentOf(key)).toEqual(real.assignmentOf(key));
  expect(fresh.allPoolStats()).toEqual(real.allPoolStats());
}

describe('Allocator against a brute-force model', () => {
  it('agrees on every outcome and keeps the invariants', () => {
    fc.assert(
      fc.property(poolSetArb, fc.array(opArb, { maxLength: 40 }), (initial, ops) => {
        const real = new Allocator();
        const model = new ReferenceAllocator();
        const lastRequest = new Map<string, ServiceRequest>();
        const apply = (op: Op) => {
          switch (op.type) {
            case 'setPools': {
              const outcome = outcomeOf(() => real.setPools(op.specs));
              expect(outcome).toEqual(outcomeOf(() => model.setPools(op.specs)));
              if (!('error' in outcome)) {
                // Like the controller: reconcile every surviving service with its last request.
                for (const key of [...real.serviceKeys()].sort()) {
                  const request = lastRequest.get(key) as ServiceRequest;
                  const result = outcomeOf(() => real.allocate(request));
                  expect(result).toEqual(outcomeOf(() => model.allocate(request)));
                  // A service whose request no longer fits loses its IP, as the controller clears it.
                  if ('error' in result) expect(real.release(key)).toBe(model.release(key));
                }
              }
              break;
            }
            case 'allocate':
            case 'assign': {
              const request = op.request;
              const run = (target: Allocator | ReferenceAllocator) =>
                outcomeOf(() =>
                  op.type === 'allocate' ? target.allocate(request) : target.assign(request, op.ips),
                );
              const outcome = run(real);
              expect(outcome).toEqual(run(model));
              if ('ok' in outcome) lastRequest.set(request.key, request);
              break;
            }
            case 'release': {
              const ips = real.assignmentOf(op.key)?.ips ?? [];
              expect(real.release(op.key)).toBe(model.release(op.key));
              // Release restores availability: an IP nobody else holds is free again.
              for (const ip of ips)
                expect(real.holdersOf(ip)).toEqual(model.holdersOf(parseIp(ip) as IpValue));
              break;
            }
          }
          for (const key of [...lastRequest.keys()])
            if (real.assignmentOf(key) === undefined) lastRequest.delete(key);
          checkInvariants(real, model, lastRequest);
        };
        apply({ type: 'setPools', specs: initial });
        for (const op of ops) apply(op);
      }),
      { numRuns },
    );
  });
});
