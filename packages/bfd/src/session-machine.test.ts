import { describe, expect, it } from 'vitest';
import { type BfdAuthKey, signPacketInto } from './authenticate-packet.ts';
import { AuthType, BfdDiagnostic, BfdState } from './bfd-constants.ts';
import { type ControlPacket, decodeControlPacket, encodeControlPacket } from './control-packet.ts';
import { createSessionConfig, type SessionOptions } from './session-config.ts';
import {
  createSession,
  expireTimers,
  type ReceiveOutcome,
  receivePacket,
  reconfigure,
  type SessionState,
  setAdminDown,
  type Transition,
  transmitPacket,
} from './session-machine.ts';
import { detectionTimeUs, nextDeadlineUs, transmitIntervalUs } from './session-timers.ts';

const MS = 1000;

/** Two sessions joined by a lossless link with a 1 ms delay, driven by a fake clock. */
class Pair {
  nowUs = 0;
  readonly sides: [SessionState, SessionState];
  readonly sent: [ControlPacket[], ControlPacket[]] = [[], []];
  readonly transitions: [Transition[], Transition[]] = [[], []];
  readonly outcomes: ReceiveOutcome[] = [];
  /** When side i last accepted a packet, and when each of its transitions happened. */
  readonly lastAcceptedAt = [0, 0];
  readonly transitionAt: [number[], number[]] = [[], []];
  /** Drop everything side i sends while true. */
  readonly muted = [false, false];
  #inFlight: { at: number; to: 0 | 1; bytes: Buffer }[] = [];
  #random: () => number;

  constructor(a: SessionOptions, b: SessionOptions, random = () => 0.5, initialAuthSequence = 0) {
    this.sides = [
      createSession(createSessionConfig(a), 0, initialAuthSequence),
      createSession(createSessionConfig(b), 0, initialAuthSequence),
    ];
    this.#random = random;
  }

  #send(from: 0 | 1, final: boolean): void {
    const { session, packet } = transmitPacket(this.sides[from], this.nowUs, this.#random, final);
    this.sides[from] = session;
    this.sent[from].push(packet);
    const bytes = encodeControlPacket(packet);
    const key = session.config.auth;
    if (key !== undefined) signPacketInto(bytes, 0, bytes.length, key);
    if (!this.muted[from]) this.#inFlight.push({ at: this.nowUs + MS, to: from === 0 ? 1 : 0, bytes });
  }

  /** Delivers a raw datagram to side `to` now. */
  deliver(to: 0 | 1, bytes: Buffer): ReceiveOutcome {
    const result = receivePacket(this.sides[to], decodeControlPacket(bytes), bytes, 0, this.nowUs);
    this.sides[to] = result.session;
    this.outcomes.push(result.outcome);
    if (result.outcome === 'accepted') this.lastAcceptedAt[to] = this.nowUs;
    if (result.transition) this.#record(to, result.transition);
    if (result.respond) this.#send(to, result.respond === 'final');
    return result.outcome;
  }

  #record(side: 0 | 1, transition: Transition): void {
    this.transitions[side].push(transition);
    this.transitionAt[side].push(this.nowUs);
  }

  /** Runs until `untilUs`, event by event. */
  run(untilUs: number): void {
    for (;;) {
      const deadlines = [0, 1].map((i) => nextDeadlineUs(this.sides[i as 0 | 1]) ?? Infinity);
      const next = Math.min(...deadlines, ...this.#inFlight.map((p) => p.at));
      if (next > untilUs) break;
      this.nowUs = next;
      const arriving = this.#inFlight.filter((p) => p.at <= next);
      this.#inFlight = this.#inFlight.filter((p) => p.at > next);
      for (const packet of arriving) this.deliver(packet.to, packet.bytes);
      for (const i of [0, 1] as const) {
        const result = expireTimers(this.sides[i], this.nowUs);
        this.sides[i] = result.session;
        if (result.transition) this.#record(i, result.transition);
        if (result.transmit) this.#send(i, false);
      }
    }
    this.nowUs = untilUs;
  }
}

const fast = (discriminator: number, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  localDiscriminator: discriminator,
  transmitIntervalMs: 50,
  receiveIntervalMs: 50,
  detectMultiplier: 3,
  ...extra,
});

describe('BFD session state machine (RFC 5880 §6.8)', () => {
  it('comes Up by the three-way handshake Down → Init → Up on both sides', () => {
    const pair = new Pair(fast(1), fast(2));
    pair.run(100 * MS);
    expect(pair.sides.map((s) => s.state)).toEqual([BfdState.up, BfdState.up]);
    expect(pair.transitions[0].map((t) => t.to)).toEqual([BfdState.init, BfdState.up]);
    expect(pair.sides[0].remoteDiscriminator).toBe(2);
    expect(pair.sides[1].remoteDiscriminator).toBe(1);
    expect(pair.sent[0][0]).toMatchObject({ state: BfdState.down, yourDiscriminator: 0, myDiscriminator: 1 });
  });

  it('advertises at least 1 s while not Up, then polls the fast interval in once Up (§6.8.3, §6.5)', () => {
    const pair = new Pair(fast(1), fast(2));
    pair.run(100 * MS);
    const downPackets = pair.sent[0].filter((p) => p.state !== BfdState.up);
    expect(downPackets.every((p) => p.desiredMinTxIntervalUs === 1_000_000)).toBe(true);
    const firstUp = pair.sent[0].find((p) => p.state === BfdState.up)!;
    expect(firstUp).toMatchObject({ poll: true, desiredMinTxIntervalUs: 50_000 });
    expect(pair.sent[1].some((p) => p.final)).toBe(true);
    expect(pair.sides[0].polling).toBe(false);
    expect(transmitIntervalUs(pair.sides[0])).toBe(50_000);
    expect(detectionTimeUs(pair.sides[0])).toBe(150_000);
    expect(pair.sent[0].some((p) => p.poll && p.final)).toBe(false);
  });

  it('transmits at max(desired, remote required) less 0-25 % jitter, 10-25 % with multiplier 1 (§6.8.7)', () => {
    for (const [multiplier, low, high] of [
      [3, 0.75, 1],
      [1, 0.75, 0.9],
    ] as const) {
      let r = 0;
      const values = [0, 0.999];
      const pair = new Pair(fast(1, { receiveIntervalMs: 80 }), fast(2), () => values[r++ % 2]!);
      pair.run(200 * MS);
      const s = { ...pair.sides[1], config: { ...pair.sides[1].config, detectMultiplier: multiplier } };
      expect(transmitIntervalUs(s)).toBe(80_000); // peer 1 requires 80 ms
      const gaps = [0.0, 0.999].map(
        (value) => transmitPacket(s, 0, () => value).session.nextTransmitAtUs! / 80_000,
      );
      expect(gaps[0]).toBeCloseTo(low, 6);
      expect(gaps[1]).toBeGreaterThan(high - 0.01);
      expect(gaps[1]).toBeLessThan(high);
    }
  });

  it('declares Down with diag 1 one detection time after the last packet, and forgets the remote discriminator', () => {
    const pair = new Pair(fast(1), fast(2, { detectMultiplier: 4 }));
    pair.run(500 * MS);
    pair.muted[1] = true;
    pair.run(2000 * MS);
    const down = pair.transitions[0].at(-1)!;
    expect(down).toEqual({
      from: BfdState.up,
      to: BfdState.down,
      diagnostic: BfdDiagnostic.controlDetectionTimeExpired,
    });
    expect(pair.sides[0].remoteDiscriminator).toBe(0);
    // Remote multiplier 4 × max(our 50 ms required, its 50 ms desired) = 200 ms after its last packet.
    expect(pair.transitionAt[0].at(-1)! - pair.lastAcceptedAt[0]!).toBe(200_000);
    // Back at the slow rate while Down.
    const afterDown = pair.sent[0].slice(-2);
    expect(afterDown.every((p) => p.state === BfdState.down && p.desiredMinTxIntervalUs === 1_000_000)).toBe(
      true,
    );
  });

  it('detects at exactly the detection time (fake clock)', () => {
    const config = createSessionConfig(fast(1));
    let s = createSession(config, 0);
    const peer: ControlPacket = {
      ...transmitPacket(createSession(createSessionConfig(fast(2)), 0), 0, () => 0).packet,
      state: BfdState.init,
      yourDiscriminator: 1,
      desiredMinTxIntervalUs: 70_000,
      detectMultiplier: 5,
    };
    const bytes = encodeControlPacket(peer);
    s = receivePacket(s, peer, bytes, 0, 1_000_000).session;
    expect(s.state).toBe(BfdState.up);
    expect(s.detectionAtUs).toBe(1_000_000 + 5 * 70_000);
    expect(expireTimers(s, 1_000_000 + 5 * 70_000 - 1).transition).toBeUndefined();
    expect(expireTimers(s, 1_000_000 + 5 * 70_000).transition?.diagnostic).toBe(1);
  });

  it('goes Down with diag 3 when the peer signals Down or AdminDown', () => {
    for (const signalled of [BfdState.down, BfdState.adminDown]) {
      const pair = new Pair(fast(1), fast(2));
      pair.run(300 * MS);
      const admin = setAdminDown(pair.sides[1], true);
      pair.sides[1] = admin.session;
      if (signalled === BfdState.down) {
        pair.sides[1] = setAdminDown(pair.sides[1], false).session;
        expect(pair.sides[1].state).toBe(BfdState.down);
      }
      pair.run(1500 * MS);
      expect(pair.transitions[0]).toContainEqual({
        from: BfdState.up,
        to: BfdState.down,
        diagnostic: BfdDiagnostic.neighborSignaledSessionDown,
      });
    }
  });

  it('stays AdminDown: sends AdminDown with diag 7 and ignores what arrives', () => {
    const pair = new Pair(fast(1), fast(2));
    pair.run(300 * MS);
    pair.sides[0] = setAdminDown(pair.sides[0], true).session;
    pair.run(3000 * MS);
    expect(pair.sides[0].state).toBe(BfdState.adminDown);
    expect(pair.sent[0].at(-1)).toMatchObject({ state: BfdState.adminDown, diagnostic: 7 });
    expect(pair.outcomes).toContain('adminDown');
    expect(pair.sides[1].state).toBe(BfdState.down);
  });

  it('keeps a raised TX interval out of force until Final, then applies it (§6.8.3)', () => {
    const pair = new Pair(fast(1), fast(2));
    pair.run(300 * MS);
    pair.muted[1] = false;
    pair.sides[0] = reconfigure(
      pair.sides[0],
      createSessionConfig(fast(1, { transmitIntervalMs: 200, receiveIntervalMs: 20 })),
    );
    expect(pair.sides[0].polling).toBe(true);
    expect(pair.sides[0].txIntervalInForceUs).toBe(50_000);
    expect(pair.sides[0].rxIntervalInForceUs).toBe(50_000); // lowered RX not in force yet
    pair.run(600 * MS);
    expect(pair.sides[0].polling).toBe(false);
    expect(pair.sides[0].txIntervalInForceUs).toBe(200_000);
    expect(pair.sides[0].rxIntervalInForceUs).toBe(20_000);
    expect(transmitIntervalUs(pair.sides[0])).toBe(200_000);
    expect(transmitIntervalUs(pair.sides[1])).toBe(50_000);
    expect(pair.sides.map((s) => s.state)).toEqual([BfdState.up, BfdState.up]);
  });

  it('passive role: sends nothing until it hears from the peer (§6.1)', () => {
    const pair = new Pair(fast(1, { passive: true }), fast(2));
    pair.muted[1] = true;
    pair.run(3000 * MS);
    expect(pair.sent[0]).toEqual([]);
    pair.muted[1] = false;
    pair.run(6000 * MS);
    expect(pair.sides.map((s) => s.state)).toEqual([BfdState.up, BfdState.up]);
    expect(pair.sent[0].length).toBeGreaterThan(0);
  });

  it('never comes Up between two passive sessions', () => {
    const pair = new Pair(fast(1, { passive: true }), fast(2, { passive: true }));
    pair.run(5000 * MS);
    expect(pair.sent).toEqual([[], []]);
  });

  it('ceases periodic packets while the peer runs Demand mode with both Up (§6.8.7)', () => {
    const pair = new Pair(fast(1), fast(2));
    pair.run(300 * MS);
    const peerPacket = { ...pair.sent[1].at(-1)!, demand: true, poll: false, final: false };
    const bytes = encodeControlPacket(peerPacket);
    pair.sides[0] = receivePacket(pair.sides[0], peerPacket, bytes, 0, pair.nowUs).session;
    const due = expireTimers(pair.sides[0], pair.sides[0].nextTransmitAtUs!);
    expect(due.transmit).toBe(false);
  });

  describe('authentication (§6.7, §6.8.6 steps 10-12)', () => {
    const key = (type: BfdAuthKey['type'], secret = 'secret'): BfdAuthKey => ({
      type,
      keyId: 3,
      secret: Buffer.from(secret),
    });

    for (const type of [
      AuthType.simplePassword,
      AuthType.keyedMd5,
      AuthType.keyedSha1,
      AuthType.meticulousKeyedSha1,
    ] as const) {
      it(`comes Up with auth type ${type} on both sides`, () => {
        const pair = new Pair(fast(1, { auth: key(type) }), fast(2, { auth: key(type) }));
        pair.run(300 * MS);
        expect(pair.sides.map((s) => s.state)).toEqual([BfdState.up, BfdState.up]);
        expect(pair.outcomes.every((o) => o === 'accepted')).toBe(true);
      });
    }

    it('meticulous SHA1 sequence numbers wrap around 2^32 without a discard', () => {
      const k = key(AuthType.meticulousKeyedSha1);
      const pair = new Pair(fast(1, { auth: k }), fast(2, { auth: k }), () => 0.5, 0xffff_fffd);
      pair.run(300 * MS);
      expect(pair.sides.map((s) => s.state)).toEqual([BfdState.up, BfdState.up]);
      expect(pair.sides[0].transmitAuthSequence).toBeLessThan(1000);
      expect(pair.outcomes.every((o) => o === 'accepted')).toBe(true);
    });

    it('never comes Up on a key mismatch, a missing or an unexpected section', () => {
      for (const [a, b, outcome] of [
        [key(AuthType.keyedSha1), key(AuthType.keyedSha1, 'other'), 'authFailed'],
        [key(AuthType.keyedSha1), undefined, 'authMissing'],
        [undefined, key(AuthType.keyedSha1), 'authUnexpected'],
      ] as const) {
        const pair = new Pair(fast(1, a ? { auth: a } : {}), fast(2, b ? { auth: b } : {}));
        pair.run(5000 * MS);
        expect(pair.sides.map((s) => s.state)).toEqual([BfdState.down, BfdState.down]);
        expect(pair.outcomes).toContain(outcome);
      }
    });

    it('meticulous SHA1 rejects a replayed sequence number; keyed SHA1 accepts it within 3 × Detect Mult', () => {
      for (const [type, replay] of [
        [AuthType.meticulousKeyedSha1, 'authSequence'],
        [AuthType.keyedSha1, 'accepted'],
      ] as const) {
        const pair = new Pair(fast(1, { auth: key(type) }), fast(2, { auth: key(type) }));
        pair.run(300 * MS);
        const { packet } = transmitPacket(pair.sides[1], pair.nowUs, () => 0.5);
        const bytes = encodeControlPacket(packet);
        signPacketInto(bytes, 0, bytes.length, key(type));
        expect(pair.deliver(0, bytes)).toBe('accepted');
        expect(pair.deliver(0, bytes)).toBe(replay);
        // Far ahead of the window: rejected by both.
        const ahead = encodeControlPacket({
          ...packet,
          auth: {
            ...(packet.auth as { sequence: number; type: 4 | 5; keyId: number; digest: Uint8Array }),
            sequence: (packet.auth as { sequence: number }).sequence + 10,
          },
        });
        signPacketInto(ahead, 0, ahead.length, key(type));
        expect(pair.deliver(0, ahead)).toBe('authSequence');
      }
    });
  });
});
