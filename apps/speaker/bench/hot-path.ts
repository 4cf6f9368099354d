/**
 * Cost of the per-frame path in one process, no sockets: classify, rate limit, decode, answer,
 * count (what the speaker does for each ARP request). `node --conditions=@baremetal-lb/source
 * bench/hot-path.ts`. Prints µs per frame, best of 5 rounds of 500,000 frames.
 */
import { arpFrameCodec, buildArpRequest, classifyFrame, parseIpv4, parseMac } from '@baremetal-lb/arp-wire';
import { PendingCounts } from '../src/layer2/net/pending-counts.ts';
import { ArpResponder } from '../src/layer2/responder/arp-responder.ts';
import { ConflictDetector } from '../src/layer2/responder/conflict-detector.ts';
import { defaultRateLimitOptions, SourceRateLimiter } from '../src/layer2/responder/source-rate-limiter.ts';

const request = arpFrameCodec.encode(
  buildArpRequest({
    senderMac: 2,
    senderIp: parseIpv4('198.51.100.100'),
    targetIp: parseIpv4('198.51.100.200'),
  }),
);

function run(limited: boolean): number {
  const counts = new PendingCounts();
  let bytes = 0;
  const responder = new ArpResponder({
    ifname: 'eth0',
    mac: parseMac('02:00:00:00:00:01'),
    // The responder set copies each answer into its send batch; do the same here.
    send: (frame) => {
      bytes += Uint8Array.prototype.slice.call(frame).length;
    },
    now: () => performance.now(),
    // Without a limiter, as the speaker runs it (its native thread limits each frame first).
    ...(limited
      ? {
          rateLimiter: new SourceRateLimiter({
            ...defaultRateLimitOptions,
            perSourcePerSecond: 1e9,
            burst: 1e9,
          }),
        }
      : {}),
    conflicts: new ConflictDetector(),
    observer: {
      requestReceived: (ip) => counts.add('request', ip),
      responseSent: (ip) => counts.add('response', ip),
    },
  });
  responder.add('198.51.100.200');
  let best = Number.POSITIVE_INFINITY;
  const n = 500_000;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      classifyFrame(request);
      counts.add('arp', responder.handleFrame(request));
      // The responder thread hands its counts over every 20 ms: about every 1,000 frames here.
      if (i % 1000 === 0) counts.take();
    }
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  if (bytes === 0) throw new Error('no answers');
  return best;
}

console.log('| per-frame path | µs/frame | frames/s on one core |');
console.log('| --- | --- | --- |');
for (const limited of [false, true]) {
  const us = run(limited);
  console.log(
    `| ARP request → answer${limited ? ' (rate limiter on)' : ''} | ${us.toFixed(2)} | ${Math.round(1e6 / us)} |`,
  );
}
