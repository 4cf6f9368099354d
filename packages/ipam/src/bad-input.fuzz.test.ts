/** Bad input never crashes: any value gets a result or an IpamError, and a failure changes nothing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.ts';
import { IpamError } from './ipam-error.ts';
import type { PoolSpec } from './pool-spec.ts';
import { findPoolOverlaps, validatePoolSpec } from './pool-validation.ts';
import type { ServiceRequest } from './service-request.ts';

const numRuns = process.env.FUZZ === '1' ? 100_000 : 1_000;

const fieldValue = fc.oneof(
  fc.anything(),
  fc.constantFrom('192.0.2.1', '2001:db8::1', 'TCP', 'IPv4', 'IPv6', 'PreferDualStack', 'p'),
  fc.array(fc.constantFrom('192.0.2.1', '2001:db8::1', 'x', 'IPv6', 'IPv4')),
);
const requestLike = fc.oneof(
  fc.anything(),
  fc.record(
    {
      key: fc.oneof(fc.constant('s'), fc.anything()),
      namespace: fieldValue,
      labels: fieldValue,
      ports: fc.oneof(
        fieldValue,
        fc.array(fc.record({ protocol: fieldValue, port: fc.oneof(fc.integer(), fieldValue) })),
      ),
      sharingKey: fieldValue,
      ipFamilyPolicy: fieldValue,
      ipFamilies: fieldValue,
      requestedIPs: fieldValue,
      pool: fieldValue,
    },
    { requiredKeys: [] },
  ),
);
const poolLike = fc.oneof(
  fc.anything(),
  fc.record(
    {
      name: fc.oneof(fc.constant('p'), fc.anything()),
      addresses: fc.oneof(
        fieldValue,
        fc.array(fc.oneof(fc.constantFrom('192.0.2.0/30', '2001:db8::/64'), fc.string())),
      ),
      autoAssign: fieldValue,
      avoidBuggyIPs: fieldValue,
      serviceAllocation: fieldValue,
    },
    { requiredKeys: [] },
  ),
);

function typedOrNothing(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IpamError);
  }
}

describe('bad input', () => {
  it('allocate and assign give a result or an IpamError, and a failure changes nothing', () => {
    fc.assert(
      fc.property(requestLike, fieldValue, (request, ips) => {
        const allocator = new Allocator([{ name: 'p', addresses: ['192.0.2.0/30', '2001:db8::/126'] }]);
        allocator.allocate({ key: 'other' });
        const before = JSON.stringify(allocator.allPoolStats(), (_, v) =>
          typeof v === 'bigint' ? `${v}` : v,
        );
        let failed = false;
        try {
          allocator.allocate(request as ServiceRequest);
        } catch (error) {
          expect(error).toBeInstanceOf(IpamError);
          failed = true;
        }
        if (failed) {
          const after = JSON.stringify(allocator.allPoolStats(), (_, v) =>
            typeof v === 'bigint' ? `${v}` : v,
          );
          expect(after).toBe(before);
          expect(allocator.serviceKeys()).toEqual(['other']);
        }
        typedOrNothing(() => allocator.assign(request as ServiceRequest, ips as string[]));
      }),
      { numRuns },
    );
  });

  it('setPools, validatePoolSpec and findPoolOverlaps never throw anything untyped', () => {
    fc.assert(
      fc.property(fc.array(poolLike, { maxLength: 3 }), (specs) => {
        typedOrNothing(() => new Allocator().setPools(specs as PoolSpec[]));
        typedOrNothing(() => {
          for (const spec of specs) validatePoolSpec(spec as PoolSpec);
          findPoolOverlaps(specs as PoolSpec[]);
        });
      }),
      { numRuns },
    );
  });
});
