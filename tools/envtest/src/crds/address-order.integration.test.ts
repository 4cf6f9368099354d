/**
 * Property test of the CEL order rule (start <= end) against the real API server: random pairs of
 * addresses, biased towards pairs that differ only in low bits, checked against BigInt order.
 */
import type { HttpKubeClient } from '@baremetal-lb/kube';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKubeClient } from '../open-kube-client.ts';
import { injectEnvtest } from '../vitest/inject-envtest.ts';
import { createObject } from './crd-test-client.ts';

const envtest = injectEnvtest();
const numRuns = process.env.FUZZ === '1' ? 2_000 : 60;

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Compressed IPv6 text; the URL parser writes the canonical (RFC 5952) form for us. */
function formatIpv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) =>
    ((value >> shift) & 0xffffn).toString(16),
  );
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Two addresses: independent, or the second one a small step (either way) from the first. */
function pairOf(bits: number): fc.Arbitrary<[bigint, bigint]> {
  const max = (1n << BigInt(bits)) - 1n;
  const address = fc.bigInt({ min: 0n, max });
  const near = fc
    .tuple(address, fc.bigInt({ min: -300n, max: 300n }))
    .map(([a, delta]): [bigint, bigint] => [a, a + delta < 0n ? 0n : a + delta > max ? max : a + delta]);
  return fc.oneof(fc.tuple(address, address), near);
}

describe.skipIf(!envtest)('IPAddressPool range order rule', () => {
  let api: HttpKubeClient;
  beforeAll(() => {
    if (envtest) api = openKubeClient(envtest.kubeconfigPath);
  });
  afterAll(async () => api?.close());

  it.each([
    ['IPv4', 32, formatIpv4],
    ['IPv6', 128, formatIpv6],
  ] as const)('accepts %s start-end exactly when start <= end', async (_family, bits, format) => {
    await fc.assert(
      fc.asyncProperty(pairOf(bits), async ([start, end]) => {
        const range = `${format(start)}-${format(end)}`;
        const verdict = await createObject(
          api,
          { kind: 'IPAddressPool', metadata: { name: 'order' }, spec: { addresses: [range] } } as never,
          { namespace: 'default', dryRun: true },
        );
        expect({ range, accepted: verdict.accepted }).toEqual({ range, accepted: start <= end });
        if (!verdict.accepted) expect(verdict.message).toMatch(/starts after it ends/);
      }),
      { numRuns },
    );
  });
});
