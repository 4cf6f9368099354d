import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server.ts';
import { SpeakerMetrics } from './speaker-metrics.ts';

describe('startHealthServer', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('serves /healthz, /readyz by state, and metrics with MetalLB names', async () => {
    const metrics = new SpeakerMetrics();
    let ready = false;
    let scrapes = 0;
    const server = await startHealthServer('127.0.0.1', 0, metrics.registry, {
      healthy: () => true,
      ready: () => ready,
      beforeScrape: () => {
        scrapes++;
      },
    });
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    metrics.addCounts([
      ['request', '192.0.2.10', 1],
      ['arp', 'rateLimited', 2],
      ['gratuitous', '192.0.2.10', 3],
    ]);
    metrics.addCounts([['request', '192.0.2.10', 4]]);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^metallb_layer2_requests_received\{ip="192\.0\.2\.10"\} 5$/m);
    expect(text).toMatch(/^baremetal_lb_layer2_frames_total\{protocol="arp",outcome="rateLimited"\} 2$/m);
    expect(text).toMatch(/^metallb_layer2_gratuitous_sent\{ip="192\.0\.2\.10"\} 3$/m);
    expect(scrapes).toBe(1);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
