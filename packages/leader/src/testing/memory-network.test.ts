import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';
import { MemoryNetwork } from './memory-network.ts';
import { seededRandom } from './seeded-random.ts';

function setup(loss = 0) {
  const clock = new FakeClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(9), loss, minDelayMs: 1, maxDelayMs: 2 });
  const got: string[] = [];
  const a = network.createTransport('a');
  const b = network.createTransport('b');
  const c = network.createTransport('c');
  for (const t of [a, b, c]) t.onPacket((p, from) => got.push(`${from}->${t.localAddress}:${p.toString()}`));
  return { clock, network, got, a, b, c };
}

describe('MemoryNetwork', () => {
  it('delivers after the configured delay, with the sender address, as a copy', () => {
    const { clock, got, a } = setup();
    const payload = Buffer.from('hi');
    a.send('b', payload);
    payload.write('XX');
    expect(got).toEqual([]);
    clock.advance(2);
    expect(got).toEqual(['a->b:hi']);
  });

  it('partitions and heals', () => {
    const { clock, network, got, a, c } = setup();
    network.partition(['a', 'b'], ['c']);
    a.send('c', Buffer.from('1'));
    a.send('b', Buffer.from('2'));
    clock.advance(5);
    expect(got).toEqual(['a->b:2']);
    network.heal();
    c.send('a', Buffer.from('3'));
    clock.advance(5);
    expect(got).toEqual(['a->b:2', 'c->a:3']);
  });

  it('drops about the configured share of datagrams and counts traffic', () => {
    const { clock, network, got, a } = setup(0.25);
    for (let i = 0; i < 2_000; i++) a.send('b', Buffer.from('x'));
    clock.advance(5);
    expect(got.length).toBeGreaterThan(1_400);
    expect(got.length).toBeLessThan(1_600);
    expect(network.traffic('a')).toMatchObject({ packetsSent: 2_000, bytesSent: 2_000 });
    expect(network.traffic('b').packetsReceived).toBe(got.length);
  });

  it('closed transports neither send nor receive, and free their address', async () => {
    const { clock, network, got, a, b } = setup();
    await b.close();
    a.send('b', Buffer.from('lost'));
    b.send('a', Buffer.from('lost'));
    clock.advance(5);
    expect(got).toEqual([]);
    expect(() => network.createTransport('a')).toThrow(/in use/);
    expect(network.createTransport('b').localAddress).toBe('b');
  });
});
