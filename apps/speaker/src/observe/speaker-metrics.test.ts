import { type HealthServer, startHealthServer } from '@baremetal-lb/kube';
import { afterEach, describe, expect, it } from 'vitest';
import { SpeakerMetrics } from './speaker-metrics.ts';

describe('SpeakerMetrics on the health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the tallied frame counts with MetalLB names', async () => {
    const metrics = new SpeakerMetrics();
    server = await startHealthServer('127.0.0.1', 0, metrics.registry, {
      healthy: () => true,
      ready: () => true,
    });
    metrics.addCounts([
      ['request', '192.0.2.10', 1],
      ['arp', 'rateLimited', 2],
      ['gratuitous', '192.0.2.10', 3],
    ]);
    metrics.addCounts([['request', '192.0.2.10', 4]]);
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).toMatch(/^metallb_layer2_requests_received\{ip="192\.0\.2\.10"\} 5$/m);
    expect(text).toMatch(/^baremetal_lb_layer2_frames_total\{protocol="arp",outcome="rateLimited"\} 2$/m);
    expect(text).toMatch(/^metallb_layer2_gratuitous_sent\{ip="192\.0\.2\.10"\} 3$/m);
  });

  it('serves the process and Node.js heap metrics MetalLB-style dashboards read', async () => {
    const metrics = new SpeakerMetrics();
    server = await startHealthServer('127.0.0.1', 0, metrics.registry, {
      healthy: () => true,
      ready: () => true,
    });
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(1e5);
    expect(text).toMatch(/^nodejs_heap_space_size_used_bytes\{space="old"\} \d+$/m);
  });
});
