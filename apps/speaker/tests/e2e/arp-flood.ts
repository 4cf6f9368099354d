/**
 * A bounded ARP request storm from one (forged) source MAC, sent from a lab host's namespace over
 * a packet socket: `frames` broadcast requests for `targetIp`, in chunks spread evenly over
 * `durationMs`, so neither the count nor the time is open-ended.
 */
import { arpFrameCodec, buildArpRequest, parseIpv4, parseMac } from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import { dropAllFilter, openPacketConn } from '@baremetal-lb/packet-socket';

export type ArpFloodOptions = {
  /** Ethernet and ARP sender MAC of every request (one source). */
  readonly sourceMac: string;
  readonly senderIp: string;
  readonly targetIp: string;
  readonly frames: number;
  readonly durationMs: number;
};

/** Frames per sendmmsg; small enough that the test's own event loop keeps turning. */
const chunkFrames = 250;

/** Sends the storm; resolves with the number of frames the socket accepted. */
export async function floodArpRequests(host: LabHost, options: ArpFloodOptions): Promise<number> {
  const mac = parseMac(options.sourceMac);
  const frame = arpFrameCodec.encode(
    buildArpRequest({
      senderMac: mac,
      senderIp: parseIpv4(options.senderIp),
      targetIp: parseIpv4(options.targetIp),
    }),
  );
  // Sending only: the kernel filter drops everything on the receive side.
  const conn = openPacketConn(host.ifname, { netns: host.namespace, filter: dropAllFilter() });
  const chunks = Math.ceil(options.frames / chunkFrames);
  const gapMs = options.durationMs / chunks;
  const start = performance.now();
  let sent = 0;
  try {
    for (let i = 0; i < chunks; i++) {
      const n = Math.min(chunkFrames, options.frames - i * chunkFrames);
      sent += conn.sendBatch(Array.from({ length: n }, () => frame));
      const wait = start + (i + 1) * gapMs - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  } finally {
    await conn.close();
  }
  return sent;
}
