import { type HealthServer, startHealthServer } from '@baremetal-lb/kube';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerMetrics } from './metrics.ts';

describe('ControllerMetrics on the health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves MetalLB metric names on /metrics', async () => {
    const metrics = new ControllerMetrics();
    metrics.setPoolCounts([
      { pool: 'default', ipv4Total: 256, ipv4InUse: 3, ipv6Total: 2 ** 64, ipv6InUse: 1 },
    ]);
    server = await startHealthServer('127.0.0.1', 0, metrics.registry, {
      healthy: () => true,
      ready: () => true,
    });
    const base = `http://127.0.0.1:${server.port}`;

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('metallb_allocator_addresses_in_use_total{pool="default"} 4');
    expect(text).toContain('metallb_allocator_ipv4_addresses_total{pool="default"} 256');
    expect(text).toContain('metallb_allocator_ipv6_addresses_in_use_total{pool="default"} 1');
    expect(text).toContain('metallb_allocator_addresses_total{pool="default"} 9007199254740991');
  });

  it('drops series of pools that went away', async () => {
    const metrics = new ControllerMetrics();
    metrics.setPoolCounts([{ pool: 'a', ipv4Total: 1, ipv4InUse: 0, ipv6Total: 0, ipv6InUse: 0 }]);
    metrics.setPoolCounts([{ pool: 'b', ipv4Total: 1, ipv4InUse: 0, ipv6Total: 0, ipv6InUse: 0 }]);
    const text = metrics.registry.metrics();
    expect(text).not.toContain('pool="a"');
    expect(text).toContain('pool="b"');
  });
});
