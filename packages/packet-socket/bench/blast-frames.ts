// Child process of the benchmark: sends test frames as fast as it can from one namespace for a
// given time (or, with a count, until it sent that many), then prints how many it sent.
// Usage: blast-frames.ts <netns> <dst-mac> <ms> <batch> [count]
import { openPacketConn } from '../src/open-packet-conn.ts';

const [netns = '', destination = '', durationText = '1000', batchText = '256', countText] =
  process.argv.slice(2);
const count = countText === undefined ? Number.POSITIVE_INFINITY : Number(countText);
const conn = openPacketConn('eth0', { netns });
const frame = Buffer.alloc(64);
Buffer.from(destination.split(':').map((h) => Number.parseInt(h, 16))).copy(frame, 0);
Buffer.from([2, 0, 0, 0, 0, 0x0b, 0x88, 0xb5]).copy(frame, 6);
const batch = Array.from({ length: Number(batchText) }, () => frame);
const end = performance.now() + Number(durationText);
let sent = 0;
while (count === Number.POSITIVE_INFINITY ? performance.now() < end : sent < count) {
  sent += conn.sendBatch(
    count === Number.POSITIVE_INFINITY ? batch : batch.slice(0, Math.min(batch.length, count - sent)),
  );
}
await conn.close();
process.stdout.write(`${sent}\n`);
