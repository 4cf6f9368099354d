/**
 * The least a user-space ARP responder on packet-socket can do: answer requests for one address,
 * nothing else (no election, metrics, rate limit or batching). The speaker benchmark runs it next
 * to the speaker to show how much of the reply latency is the user-space receive path itself.
 * Usage: echo-responder.ts IFNAME MAC IP
 */
import {
  ArpOperation,
  classifyFrame,
  decodeArpFrame,
  encodeArpReplyInto,
  FrameKind,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import { openPacketConn } from '@baremetal-lb/packet-socket';
import { announcedFilter } from '../src/layer2/net/neighbor-filter.ts';

const [ifname, mac, vip] = process.argv.slice(2) as [string, string, string];
// The speaker's own kernel filter, so that, like the speaker, it wakes only for its address.
const conn = openPacketConn(ifname, { filter: announcedFilter([vip], []) });
const ours = parseMac(mac);
const target = parseIpv4(vip);
const buf = new Uint8Array(64);
// Ends when the benchmark kills the process.
for await (const batch of conn.receive()) {
  for (const f of batch) {
    if (classifyFrame(f) !== FrameKind.arp) continue;
    const d = decodeArpFrame(f);
    if (d.arp.operation !== ArpOperation.request || d.arp.targetIp !== target) continue;
    const n = encodeArpReplyInto(d, ours, buf, 0);
    conn.send(buf.subarray(0, n));
  }
}
