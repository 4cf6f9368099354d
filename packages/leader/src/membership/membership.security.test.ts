import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedCluster } from '../testing/index.ts';
import { Keyring } from './keyring.ts';
import { encodeMessageInto } from './message.ts';
import { sealPacket } from './packet.ts';

const secret = 'simulated cluster shared secret';
const runs = process.env.FUZZ === '1' ? 20_000 : 500;

/** A converged 4-member cluster plus helpers to check that nothing changed. */
function setup() {
  const cluster = new SimulatedCluster({ size: 4, seed: 31, secrets: [secret] });
  cluster.startAll();
  cluster.clock.advance(2_000);
  const target = cluster.members[0]!;
  const versions = () => cluster.members.map((m) => m.membership.snapshot().version);
  const eventCount = () => cluster.members.reduce((n, m) => n + m.events.length, 0);
  return { cluster, target, versions, eventCount };
}

function payload(...messages: Parameters<typeof encodeMessageInto>[0][]): Buffer {
  const buf = Buffer.alloc(1_400);
  let o = 0;
  for (const m of messages) o = encodeMessageInto(m, buf, o);
  return buf.subarray(0, o);
}

describe('membership: hostile packets change nothing', () => {
  it('forged packets (other secret, right key id with wrong key, tampered bytes) are dropped', () => {
    const { cluster, target, versions, eventCount } = setup();
    const before = versions();
    const events = eventCount();
    // An outsider with its own secret announcing a fake member and accusing a real one.
    const lie = payload(
      { type: 'alive', incarnation: 9, name: 'intruder', address: 'sim-66:7946' },
      { type: 'dead', incarnation: 99, name: 'node-001', from: 'node-002' },
    );
    const outsider = sealPacket(new Keyring(['a different secret!!']), 'node-002', 1, 1, lie);
    cluster.network.inject('sim-2:7946', target.address, outsider);
    // Same header as a real packet but garbage where the ciphertext and tag go.
    const real = sealPacket(new Keyring([secret]), 'node-002', Date.now() * 2048, 1, lie);
    const wrongKey = Buffer.from(real);
    wrongKey.fill(0xa5, 30);
    cluster.network.inject('sim-2:7946', target.address, wrongKey);
    // A genuine packet with one flipped bit in the header, the ciphertext, and the tag.
    for (const at of [6, 35, real.length - 1]) {
      const tampered = Buffer.from(real);
      tampered[at]! ^= 0x01;
      cluster.network.inject('sim-2:7946', target.address, tampered);
    }
    const dropped = target.membership.stats().dropped;
    expect(dropped.unknownKey).toBe(1);
    expect(dropped.authFailed).toBe(4);
    expect(versions()).toEqual(before);
    cluster.clock.advance(2_000);
    expect(eventCount()).toBe(events);
    expect(target.membership.snapshot().members.map((m) => m.name)).not.toContain('intruder');
  });

  it('replayed packets are dropped, also after the sender restarted', async () => {
    const { cluster, target, versions, eventCount } = setup();
    const captured: Buffer[] = [];
    const untap = cluster.network.tap((_from, to, packet) => {
      if (to === target.address) captured.push(packet);
    });
    cluster.clock.advance(1_000);
    untap();
    expect(captured.length).toBeGreaterThan(20);
    const before = versions();
    const events = eventCount();
    for (const p of captured) cluster.network.inject('sim-9:7946', target.address, p);
    expect(target.membership.stats().dropped.replayed).toBe(captured.length);
    expect(versions()).toEqual(before);

    // Restart a sender: its new epoch is larger, so its old packets stay refused.
    const sender = cluster.members[1]!;
    const old: Buffer[] = [];
    const untapOld = cluster.network.tap((from, to, p) => {
      if (from === sender.address && to === target.address) old.push(p);
    });
    cluster.clock.advance(500);
    untapOld();
    await sender.membership.stop();
    cluster.kill(sender);
    cluster.clock.advance(3);
    cluster.restart(sender);
    expect(cluster.clock.advanceUntil(() => cluster.converged(), 3_000, 5)).toBeDefined();
    const replayedBefore = target.membership.stats().dropped.replayed;
    const settled = versions();
    const settledEvents = eventCount();
    for (const p of old) cluster.network.inject(sender.address, target.address, p);
    expect(target.membership.stats().dropped.replayed - replayedBefore).toBe(old.length);
    expect(versions()).toEqual(settled);
    cluster.clock.advance(1_000);
    expect(eventCount()).toBe(settledEvents);
    expect(events).toBeLessThan(settledEvents);
  });

  it('garbage of any shape never throws and never changes state', () => {
    const { cluster, target, versions } = setup();
    const before = versions();
    const keyring = new Keyring([secret]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2_000 }),
          // Authentic packets whose plaintext is garbage (only an insider can send these); the
          // leading unknown message type keeps random bytes from forming a valid message by chance.
          fc
            .uint8Array({ maxLength: 300 })
            .map((junk) =>
              sealPacket(keyring, 'node-003', 2 ** 50, 0, Buffer.concat([Buffer.from([0xee]), junk])),
            ),
        ),
        (bytes) => {
          expect(() => cluster.network.inject('sim-3:7946', target.address, bytes)).not.toThrow();
        },
      ),
      { numRuns: runs },
    );
    const dropped = target.membership.stats().dropped;
    const total = Object.values(dropped).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(runs - 5);
    expect(dropped.truncated + dropped.version + dropped.oversized).toBeGreaterThan(0);
    expect(dropped.malformed).toBeGreaterThan(0);
    expect(versions()).toEqual(before);
    // And the cluster is still healthy afterwards.
    cluster.clock.advance(2_000);
    expect(cluster.converged()).toBe(true);
  });

  it('oversized datagrams are dropped before any crypto', () => {
    const { cluster, target } = setup();
    cluster.network.inject('sim-1:7946', target.address, Buffer.alloc(1_401, 1));
    expect(target.membership.stats().dropped.oversized).toBe(1);
  });
});
