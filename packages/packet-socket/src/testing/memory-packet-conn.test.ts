import { describe, expect, it } from 'vitest';
import { arpRequestFilter } from '../bpf/bpf-filters.ts';
import { eachFrame } from '../packet-conn.ts';
import { ConnClosedError, ReceiveBusyError, SocketError } from '../packet-socket-error.ts';
import { createMemoryPacketConnPair } from './memory-packet-conn.ts';
import { sampleArp, sampleIpv4 } from './sample-frames.ts';

const frame = (n: number) => Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, n, 0x08, 0x06]);

describe('createMemoryPacketConnPair', () => {
  it('delivers what one end sends to the other, copied, in order, batched per turn', async () => {
    const [a, b] = createMemoryPacketConnPair();
    const sent = frame(1);
    a.send(sent);
    expect(a.sendBatch([frame(2), frame(3)])).toBe(2);
    sent[11] = 99;
    const it = b.receive();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual([frame(1), frame(2), frame(3)]);
    await it.return?.();
    expect(a.sent).toHaveLength(3);
  });

  it('applies the receive filter and counts what it rejected', async () => {
    const [a, b] = createMemoryPacketConnPair({}, { filter: (f) => f[11] !== 2 });
    a.sendBatch([frame(1), frame(2), frame(3)]);
    const it = b.receive();
    expect((await it.next()).value).toEqual([frame(1), frame(3)]);
    expect(b.counters.filtered).toBe(1);
  });

  it('runs a BPF program as the receive filter', async () => {
    const [a, b] = createMemoryPacketConnPair({}, { filter: arpRequestFilter() });
    a.sendBatch([sampleArp(1), sampleArp(2), sampleIpv4()]);
    expect((await b.receive().next()).value).toEqual([sampleArp(1)]);
    expect(b.counters.filtered).toBe(2);
  });

  it('pauses at the high-water mark and resumes when drained, losing nothing', async () => {
    const [a, b] = createMemoryPacketConnPair({}, { bufferFrames: 1_000_000 });
    const it = b.receive({ highWaterMarkFrames: 4 });
    for (let i = 0; i < 100; i++) {
      a.send(frame(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const got: number[] = [];
    for await (const f of eachFrame(it)) {
      got.push(f[11]!);
      if (got.length === 100) break;
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('allows one receiver at a time, and a new one after the first ended', async () => {
    const [, b] = createMemoryPacketConnPair();
    const it = b.receive();
    expect(() => b.receive()).toThrow(ReceiveBusyError);
    await it.return?.();
    expect(() => b.receive()).not.toThrow();
  });

  it('throws a typed ENETDOWN while down and ConnClosedError after close', async () => {
    const [a] = createMemoryPacketConnPair();
    a.setUp(false);
    expect(() => a.send(frame(1))).toThrow(
      expect.objectContaining({ code: 'ENETDOWN', op: 'send', ifname: 'mem0' }),
    );
    expect(() => a.send(frame(1))).toThrow(SocketError);
    a.setUp(true);
    await a.close();
    await a.close();
    expect(() => a.send(frame(1))).toThrow(ConnClosedError);
  });

  it('ends an active receive iterator on close, with frames in flight', async () => {
    const [a, b] = createMemoryPacketConnPair();
    const it = b.receive();
    const pending = it.next();
    a.send(frame(1));
    await b.close();
    const results = [await pending, await it.next()];
    expect(results.at(-1)?.done).toBe(true);
    expect(b.closed).toBe(true);
  });
});
