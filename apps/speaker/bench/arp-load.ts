/**
 * ARP load from the client namespace over a packet socket: latency with one request in flight,
 * and fixed-rate bursts counting answers. The same code measures the speaker (a VIP) and the
 * kernel (the node's own address), so the measuring overhead is the same on both sides.
 */
import {
  ArpOperation,
  arpFrameCodec,
  BROADCAST_MAC,
  classifyFrame,
  decodeArpFrame,
  EtherType,
  FrameKind,
  NO_VLAN_TAGS,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import type { LabHost } from '@baremetal-lb/lab';
import { openPacketConn } from '@baremetal-lb/packet-socket';

function request(client: LabHost, target: string): Buffer {
  const mac = parseMac(client.mac);
  return arpFrameCodec.encode({
    ethernet: { destination: BROADCAST_MAC, source: mac, vlanTags: NO_VLAN_TAGS, etherType: EtherType.arp },
    arp: {
      operation: ArpOperation.request,
      senderMac: mac,
      senderIp: parseIpv4(client.ipv4),
      targetMac: 0,
      targetIp: parseIpv4(target),
    },
    paddingLength: 18,
  });
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

/** Sends `rate` requests/s for `seconds`, paced per event-loop turn; returns sent and answered. */
async function burst(client: LabHost, target: string, rate: number, seconds: number) {
  let answered = 0;
  const counter = replyCounter(client, target, () => answered++);
  const frame = request(client, target);
  const total = Math.round(rate * seconds);
  let sent = 0;
  try {
    const t0 = performance.now();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        const n = Math.min(64, due - sent);
        sent += counter.conn.sendBatch(new Array(n).fill(frame));
      }
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await counter.close();
  }
  return { rate, sent, answered };
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
