import { describe, expect, it } from 'vitest';
import { AuthType, BfdDiagnostic, BfdState } from './bfd-constants.ts';
import { BfdEndpoint, type SessionSpec, type StateChange } from './bfd-endpoint.ts';
import { decodeControlPacket } from './control-packet.ts';
import { ManualClock } from './testing/manual-clock.ts';
import { MemoryNetwork } from './testing/memory-network.ts';
import { pacedTransport } from './testing/memory-pacer.ts';

const A = '198.51.100.1';
const B = '198.51.100.2';
const MS = 1000;

function setup(specA: Partial<SessionSpec> = {}, specB: Partial<SessionSpec> = {}) {
  const clock = new ManualClock();
  const network = new MemoryNetwork(clock);
  const changes: [StateChange[], StateChange[]] = [[], []];
  const a = new BfdEndpoint({
    transport: network.transport(A),
    clock,
    onStateChange: (c) => changes[0].push(c),
  });
  const b = new BfdEndpoint({
    transport: network.transport(B),
    clock,
    onStateChange: (c) => changes[1].push(c),
  });
  a.addSession({ peerAddress: B, transmitIntervalMs: 50, receiveIntervalMs: 50, ...specA });
  b.addSession({ peerAddress: A, transmitIntervalMs: 50, receiveIntervalMs: 50, ...specB });
  return { clock, network, a, b, changes };
}

describe('BfdEndpoint', () => {
  it('brings two endpoints Up and reports each transition with the peer', () => {
    const { clock, a, b, changes } = setup();
    clock.advance(100 * MS);
    expect(a.sessions()[0]).toMatchObject({
      state: BfdState.up,
      transmitIntervalUs: 50_000,
      detectionTimeUs: 150_000,
    });
    expect(b.sessions()[0]!.state).toBe(BfdState.up);
    expect(changes[0].at(-1)).toMatchObject({ peerAddress: B, to: BfdState.up, multihop: false });
    expect(a.stats().received.accepted).toBeGreaterThan(2);
  });

  it('reports Down after the detection time when the peer goes silent, and Up again when it returns', () => {
    const { clock, network, a, changes } = setup();
    clock.advance(200 * MS);
    network.cut.add(B);
    const cutAt = clock.nowUs();
    clock.advance(500 * MS);
    const down = changes[0].find((c) => c.to === BfdState.down)!;
    expect(down.diagnostic).toBe(1);
    expect(down.atUs - cutAt).toBeLessThanOrEqual(150_000 + 100);
    expect(down.atUs - cutAt).toBeGreaterThan(150_000 - 50_000);
    network.cut.delete(B);
    clock.advance(3000 * MS);
    expect(a.sessions()[0]!.state).toBe(BfdState.up);
  });

  it('drops single-hop packets that arrive with TTL below 255 (GTSM)', () => {
    const { clock, network, a } = setup();
    network.ttl = 254;
    clock.advance(3000 * MS);
    expect(a.sessions()[0]!.state).toBe(BfdState.down);
    expect(a.stats().received.ttl).toBeGreaterThan(0);
    expect(a.stats().received.accepted).toBeUndefined();
  });

  it('accepts multihop packets down to the configured minimum TTL', () => {
    const { clock, network, a } = setup(
      { multihop: true, minimumTtl: 250 },
      { multihop: true, minimumTtl: 250 },
    );
    network.ttl = 250;
    clock.advance(3000 * MS);
    expect(a.sessions()[0]).toMatchObject({ state: BfdState.up, multihop: true });
  });

  it('tells the peer AdminDown on removal, which the peer reports as diag 3 (not a failure)', () => {
    const { clock, a, changes } = setup();
    clock.advance(200 * MS);
    expect(a.removeSession({ peerAddress: B })).toBe(true);
    clock.advance(1 * MS);
    expect(changes[1].at(-1)).toMatchObject({ to: BfdState.down, diagnostic: 3 });
    expect(a.sessions()).toEqual([]);
    expect(a.removeSession({ peerAddress: B })).toBe(false);
  });

  it('rejects duplicates, unknown sessions and bad options with typed errors', () => {
    const { a } = setup();
    expect(() => a.addSession({ peerAddress: B })).toThrow(
      expect.objectContaining({ code: 'ERR_BFD_DUPLICATE_SESSION' }),
    );
    expect(() => a.setAdminDown({ peerAddress: '198.51.100.9' }, true)).toThrow(
      expect.objectContaining({ code: 'ERR_BFD_UNKNOWN_SESSION' }),
    );
    for (const bad of [
      { transmitIntervalMs: 5 },
      { detectMultiplier: 1 },
      { multihop: true, minimumTtl: 0 },
    ]) {
      expect(() => a.addSession({ peerAddress: '198.51.100.8', ...bad })).toThrow(
        expect.objectContaining({ code: 'ERR_BFD_INVALID_CONFIG' }),
      );
    }
    a.close();
    expect(() => a.addSession({ peerAddress: B })).toThrow(
      expect.objectContaining({ code: 'ERR_BFD_CLOSED' }),
    );
  });

  it('counts garbage and packets for unknown discriminators instead of throwing', () => {
    const clock = new ManualClock();
    const network = new MemoryNetwork(clock);
    const a = new BfdEndpoint({ transport: network.transport(A), clock });
    a.addSession({ peerAddress: B });
    const raw = network.transport(B).openSender({ peerAddress: A });
    raw.send(new Uint8Array([1, 2, 3]));
    const wrongDiscriminator = Buffer.from('20c0031800000001000000070000c3500000c35000000000', 'hex');
    raw.send(wrongDiscriminator); // Up, Your Discriminator 7
    raw.send(Buffer.from('20c0031800000001000000000000c3500000c35000000000', 'hex')); // Up, Your Discriminator 0
    clock.advance(1 * MS);
    expect(a.stats().received).toMatchObject({ malformed: 1, noSession: 1, notDown: 1 });
  });
});

describe('BfdEndpoint with a pacer thread (in-memory model of it)', () => {
  function pacedSetup(specA: Partial<SessionSpec> = {}) {
    const clock = new ManualClock();
    const network = new MemoryNetwork(clock);
    const transport = pacedTransport(network.transport(A), clock);
    const changes: StateChange[] = [];
    const a = new BfdEndpoint({ transport, clock, onStateChange: (c) => changes.push(c) });
    const b = new BfdEndpoint({ transport: network.transport(B), clock });
    const info = a.addSession({ peerAddress: B, transmitIntervalMs: 50, receiveIntervalMs: 50, ...specA });
    b.addSession({ peerAddress: A, transmitIntervalMs: 50, receiveIntervalMs: 50 });
    return { clock, network, transport, a, b, changes, discriminator: info.localDiscriminator };
  }

  it('hands the pacer the packet, interval and detection time; the pacer keeps the session Up', () => {
    const { clock, transport, a, b, discriminator } = pacedSetup();
    clock.advance(3000 * MS);
    expect(a.sessions()[0]!.state).toBe(BfdState.up);
    expect(b.sessions()[0]!.state).toBe(BfdState.up);
    const schedule = transport.schedules.get(discriminator)!;
    expect(schedule).toMatchObject({ intervalUs: 50_000, detectMultiplier: 3, detectionTimeUs: 150_000 });
    // What the pacer sends periodically is our Up packet for the peer's session.
    const packet = decodeControlPacket(schedule.packet);
    expect(packet).toMatchObject({ state: BfdState.up, myDiscriminator: discriminator, poll: false });
    expect(packet.yourDiscriminator).toBe(b.sessions()[0]!.localDiscriminator);
    // Periodic packets came from the pacer: the endpoint itself sent only the immediate ones.
    expect(a.stats().sent).toBeLessThan(10);
    expect(b.stats().received.accepted).toBeGreaterThan(40);
  });

  it('turns the pacer expiry into Down (diag 1), tells the peer at once and slows the pacer', () => {
    const { clock, network, transport, a, changes, discriminator } = pacedSetup();
    clock.advance(3000 * MS);
    network.cut.add(B);
    const cutAt = clock.nowUs();
    clock.advance(400 * MS);
    const down = changes.find((c) => c.to === BfdState.down)!;
    expect(down).toMatchObject({ from: BfdState.up, diagnostic: BfdDiagnostic.controlDetectionTimeExpired });
    expect(down.atUs - cutAt).toBeLessThanOrEqual(150_000 + 100);
    expect(down.atUs - cutAt).toBeGreaterThan(100_000);
    expect(transport.schedules.get(discriminator)).toMatchObject({
      intervalUs: 1_000_000,
      detectionTimeUs: 0,
    });
    expect(decodeControlPacket(transport.schedules.get(discriminator)!.packet)).toMatchObject({
      state: BfdState.down,
      diagnostic: BfdDiagnostic.controlDetectionTimeExpired,
    });
    network.cut.delete(B);
    clock.advance(5000 * MS);
    expect(a.sessions()[0]!.state).toBe(BfdState.up);
  });

  it('keeps authenticated sessions on its own timers (each packet needs a new sequence number)', () => {
    const auth = { type: AuthType.meticulousKeyedSha1, keyId: 1, secret: Buffer.from('k') };
    const { clock, transport, a } = pacedSetup({ auth });
    clock.advance(100 * MS);
    expect(transport.schedules.size).toBe(0);
    expect(a.stats().sent).toBeGreaterThan(0);
  });
});
