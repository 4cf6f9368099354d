/**
 * ARP load from the client namespace over a packet socket: latency with one request in flight,
 * and fixed-rate bursts counting answers. The same code measures the speaker (a VIP) and the
 * kernel (the node's own address), so the measuring overhead is the same on both sides.
 */
import {
  ArpOperation,
  arpFrameCodec,
  buildArpRequest,
  classifyFrame,
  decodeArpFrame,
  FrameKind,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import {
  accept,
  assemble,
  drop,
  jumpIfEqual,
  label,
  load,
  openPacketConn,
} from '@baremetal-lb/packet-socket';

function request(client: LabHost, target: string): Buffer {
  const mac = parseMac(client.mac);
  return arpFrameCodec.encode(
    buildArpRequest({ senderMac: mac, senderIp: parseIpv4(client.ipv4), targetIp: parseIpv4(target) }),
  );
}

/** Opens the client socket and counts ARP replies from `target`, calling `onReply` for each. */
function replyCounter(client: LabHost, target: string, onReply: () => void) {
  const conn = openPacketConn(client.ifname, {
    netns: client.namespace,
    receiveBufferBytes: 8 * 1024 * 1024,
  });
  const targetIp = parseIpv4(target);
  const done = (async () => {
    for await (const batch of conn.receive({ highWaterMarkFrames: 1 << 20 })) {
      for (const frame of batch) {
        if (classifyFrame(frame) !== FrameKind.arp) continue;
        try {
          const { arp } = decodeArpFrame(frame);
          if (arp.operation === ArpOperation.reply && arp.senderIp === targetIp) onReply();
        } catch {
          // not for us
        }
      }
    }
  })();
  return {
    conn,
    async close() {
      await conn.close();
      await done;
    },
  };
}

/** `count` requests one at a time (1 ms apart); RTTs in ms and how many got no reply in 100 ms. */
export async function measureArpLatency(
  client: LabHost,
  target: string,
  count: number,
): Promise<{ rttsMs: number[]; lost: number }> {
  let waiting: (() => void) | undefined;
  const counter = replyCounter(client, target, () => waiting?.());
  const frame = request(client, target);
  const rttsMs: number[] = [];
  let lost = 0;
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 100);
        waiting = () => {
          clearTimeout(timer);
          resolve(true);
        };
        counter.conn.send(frame);
      });
      waiting = undefined;
      if (answered) rttsMs.push(performance.now() - t0);
      else lost++;
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    await counter.close();
  }
  return { rttsMs, lost };
}

/**
 * Counts ARP replies from `target` in the kernel: a socket whose filter keeps only those replies
 * and that is never read; PACKET_STATISTICS counts every frame that passed the filter, queued or
 * dropped for lack of room, so the count does not depend on how fast JavaScript reads.
 */
function kernelReplyCounter(client: LabHost, target: string) {
  return openPacketConn(client.ifname, {
    netns: client.namespace,
    filter: assemble([
      load('half', 12),
      jumpIfEqual(0x0806, 'next', 'drop'),
      load('half', 20), // ARP operation
      jumpIfEqual(ArpOperation.reply, 'next', 'drop'),
      load('word', 28), // sender protocol address
      jumpIfEqual(parseIpv4(target), 'accept', 'drop'),
      label('drop'),
      drop(),
      label('accept'),
      accept(),
    ]),
  });
}

/** Sends `rate` requests/s for `seconds` in 1 ms rounds; returns sent and answered. */
async function burst(client: LabHost, target: string, rate: number, seconds: number) {
  const counter = kernelReplyCounter(client, target);
  const sender = openPacketConn(client.ifname, { netns: client.namespace, filter: assemble([drop()]) });
  const frame = request(client, target);
  const chunk = new Array<Buffer>(64).fill(frame);
  const total = Math.round(rate * seconds);
  let sent = 0;
  try {
    const t0 = performance.now();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        const n = Math.min(chunk.length, due - sent);
        const accepted = sender.sendBatch(n === chunk.length ? chunk : chunk.slice(0, n));
        sent += accepted;
        if (accepted < n) break; // socket buffer full: try again next turn
      }
      // Sleep between rounds instead of spinning: the generator must not take the core the
      // speaker needs (the kernel answers in the sender's own context and would not notice).
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 500));
    return { rate, sent, answered: counter.stats().received };
  } finally {
    await Promise.all([counter.close(), sender.close()]);
  }
}

/** Tries each rate (ascending) for 1 s; the best rate with every request answered. */
export async function measureZeroLossRate(
  client: LabHost,
  target: string,
  rates: readonly number[],
): Promise<{ best: number; firstLoss: { rate: number; sent: number; answered: number } | undefined }> {
  let best = 0;
  for (const rate of rates) {
    const r = await burst(client, target, rate, 1);
    if (r.answered >= r.sent) best = rate;
    else return { best, firstLoss: r };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { best, firstLoss: undefined };
}
