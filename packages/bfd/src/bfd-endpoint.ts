/**
 * BfdEndpoint: the sessions of one speaker. Runs the pure state machine on an injected clock and
 * transport: demultiplexes received packets to sessions (RFC 5880 §6.8.6 steps 7-9, with the
 * GTSM TTL check of RFC 5881 §5 / RFC 5883 §2), keeps one timer per session, sends what the
 * machine says, and reports state changes. Per-packet work allocates only the decoded packet.
 */
import { randomInt } from 'node:crypto';
import { signPacketInto } from './authenticate-packet.ts';
import { BFD_SINGLE_HOP_TTL, BfdState } from './bfd-constants.ts';
import { BfdConfigError, BfdErrorCode } from './bfd-error.ts';
import {
  type BfdClock,
  type BfdDatagram,
  type BfdSender,
  type BfdTransport,
  type PeerAddress,
  systemClock,
} from './bfd-transport.ts';
import {
  type ControlPacket,
  controlPacketEncodedLength,
  decodeControlPacket,
  encodeControlPacketInto,
} from './control-packet.ts';
import { createSessionConfig, type SessionOptions } from './session-config.ts';
import {
  createSession,
  expireTimers,
  type Random,
  receivePacket,
  type SessionState,
  setAdminDown,
  type Transition,
  transmitPacket,
} from './session-machine.ts';
import { detectionTimeUs, nextDeadlineUs, periodicIntervalUs, transmitIntervalUs } from './session-timers.ts';

export type SessionSpec = PeerAddress &
  Omit<SessionOptions, 'localDiscriminator'> & {
    /** Multihop only: lowest TTL accepted (BFDProfile minimumTtl, 1-254). Default 254 (FRR). */
    readonly minimumTtl?: number;
  };

export type StateChange = Transition & {
  readonly peerAddress: string;
  readonly multihop: boolean;
  /** Clock time of the change, µs. */
  readonly atUs: number;
};

/** What happened to a received datagram; counted in `stats().received`. */
export type DatagramOutcome =
  | 'accepted'
  | 'malformed'
  | 'ttl'
  | 'noSession'
  | 'wrongSource'
  | 'notDown'
  | 'authMissing'
  | 'authUnexpected'
  | 'authFailed'
  | 'authSequence'
  | 'adminDown';

export type EndpointStats = {
  readonly received: Readonly<Partial<Record<DatagramOutcome, number>>>;
  /** Packets sent, periodic ones from the pacer thread included. */
  readonly sent: number;
  readonly sendFailures: number;
  /** With a pacer thread: the latest it woke for a periodic packet (µs), and how often > 10 ms. */
  readonly pacerMaxLateUs?: number;
  readonly pacerLateOver10ms?: number;
  /** With a pacer thread: periodic packets its watchdog held back (the worker was wedged). */
  readonly pacerStarved?: number;
};

export type BfdEndpointOptions = {
  readonly transport: BfdTransport;
  readonly clock?: BfdClock;
  readonly random?: Random;
  readonly onStateChange?: (change: StateChange) => void;
};

export type SessionInfo = {
  readonly peerAddress: string;
  readonly multihop: boolean;
  readonly state: BfdState;
  readonly remoteState: BfdState;
  readonly diagnostic: number;
  readonly localDiscriminator: number;
  readonly remoteDiscriminator: number;
  readonly sourcePort: number;
  readonly transmitIntervalUs: number;
  readonly detectionTimeUs: number;
};

type Entry = {
  readonly key: string;
  readonly spec: SessionSpec;
  readonly sender: BfdSender;
  readonly minimumTtl: number;
  session: SessionState;
  cancelTimer: (() => void) | undefined;
};

const keyOf = (peer: PeerAddress) => `${peer.multihop ? 'multihop' : 'single'}|${peer.peerAddress}`;
/** RFC 5883 leaves the multihop TTL check to configuration; FRR's default minimum is 254. */
const DEFAULT_MULTIHOP_MINIMUM_TTL = 254;

export class BfdEndpoint {
  readonly #transport: BfdTransport;
  readonly #clock: BfdClock;
  readonly #random: Random;
  readonly #onStateChange: (change: StateChange) => void;
  readonly #byKey = new Map<string, Entry>();
  readonly #byDiscriminator = new Map<number, Entry>();
  readonly #received: Partial<Record<DatagramOutcome, number>> = {};
  readonly #buffer = new Uint8Array(255);
  #sent = 0;
  #sendFailures = 0;
  #closed = false;

  constructor(options: BfdEndpointOptions) {
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#onStateChange = options.onStateChange ?? (() => {});
  }

  /** Starts a session to `spec.peerAddress` (BfdConfigError on bad options or a duplicate). */
  addSession(spec: SessionSpec): SessionInfo {
    if (this.#closed) throw new BfdConfigError('endpoint', 'closed', BfdErrorCode.closed);
    const key = keyOf(spec);
    if (this.#byKey.has(key)) {
      throw new BfdConfigError(
        'peerAddress',
        `a session to ${spec.peerAddress} exists`,
        BfdErrorCode.duplicateSession,
      );
    }
    const minimumTtl = spec.multihop ? (spec.minimumTtl ?? DEFAULT_MULTIHOP_MINIMUM_TTL) : BFD_SINGLE_HOP_TTL;
    if (!Number.isInteger(minimumTtl) || minimumTtl < 1 || minimumTtl > 255) {
      throw new BfdConfigError('minimumTtl', `${spec.minimumTtl} is not 1..254`);
    }
    const config = createSessionConfig({ ...spec, localDiscriminator: this.#newDiscriminator() });
    this.#transport.listen(spec, (datagram) => this.#receive(datagram));
    // Authenticated sessions keep their timing here: every packet they send needs a new sequence
    // number and digest (RFC 5880 §6.7.3, §6.7.4), which the pacer thread does not compute.
    const pacing =
      config.auth === undefined
        ? {
            localDiscriminator: config.localDiscriminator,
            minimumTtl,
            onDetectionExpired: (atUs: number) => this.#onDetectionExpired(entry, atUs),
          }
        : undefined;
    const sender = this.#transport.openSender(spec, pacing);
    const entry: Entry = {
      key,
      spec,
      sender,
      minimumTtl,
      session: createSession(config, this.#clock.nowUs(), randomInt(0, 0x1_0000_0000)),
      cancelTimer: undefined,
    };
    this.#byKey.set(key, entry);
    this.#byDiscriminator.set(config.localDiscriminator, entry);
    this.#arm(entry);
    return this.#info(entry);
  }

  /**
   * Ends a session: tells the peer AdminDown (diag 7) once, so it does not read our leaving as a
   * failure (RFC 5880 §6.8.16), then forgets it.
   */
  removeSession(peer: PeerAddress): boolean {
    const entry = this.#byKey.get(keyOf(peer));
    if (entry === undefined) return false;
    entry.session = setAdminDown(entry.session, true).session;
    this.#transmit(entry, false);
    entry.cancelTimer?.();
    entry.sender.close();
    this.#byKey.delete(entry.key);
    this.#byDiscriminator.delete(entry.session.config.localDiscriminator);
    return true;
  }

  /** Local administrative down / up of one session. */
  setAdminDown(peer: PeerAddress, down: boolean): void {
    const entry = this.#byKey.get(keyOf(peer));
    if (entry === undefined) {
      throw new BfdConfigError(
        'peerAddress',
        `no session to ${peer.peerAddress}`,
        BfdErrorCode.unknownSession,
      );
    }
    const result = setAdminDown(entry.session, down);
    entry.session = result.session;
    if (result.transition !== undefined) {
      this.#report(entry, result.transition);
      this.#transmit(entry, false);
    }
  }

  sessions(): SessionInfo[] {
    return [...this.#byKey.values()].map((entry) => this.#info(entry));
  }

  stats(): EndpointStats {
    const pacer = this.#transport.pacerStats?.();
    return {
      received: { ...this.#received },
      sent: this.#sent + (pacer?.sent ?? 0),
      sendFailures: this.#sendFailures + (pacer?.sendFailures ?? 0),
      ...(pacer === undefined
        ? {}
        : {
            pacerMaxLateUs: pacer.maxLateUs,
            pacerLateOver10ms: pacer.lateOver10ms,
            pacerStarved: pacer.starved,
          }),
    };
  }

  /** Removes every session (each tells its peer AdminDown) and closes the transport. */
  close(): void {
    if (this.#closed) return;
    for (const entry of [...this.#byKey.values()]) this.removeSession(entry.spec);
    this.#closed = true;
    this.#transport.close();
  }

  #receive(datagram: BfdDatagram): void {
    const outcome = this.#demultiplex(datagram);
    this.#received[outcome] = (this.#received[outcome] ?? 0) + 1;
  }

  #demultiplex(datagram: BfdDatagram): DatagramOutcome {
    let packet: ControlPacket;
    try {
      packet = decodeControlPacket(datagram.data);
    } catch {
      return 'malformed';
    }
    let entry: Entry | undefined;
    if (packet.yourDiscriminator !== 0) {
      // §6.8.6 step 7; the source must be the session's peer too (no cross-session spoofing).
      entry = this.#byDiscriminator.get(packet.yourDiscriminator);
      if (entry === undefined) return 'noSession';
      if (
        entry.spec.peerAddress !== datagram.fromAddress ||
        (entry.spec.multihop ?? false) !== datagram.multihop
      ) {
        return 'wrongSource';
      }
    } else {
      // Steps 8-9: only Down / AdminDown may omit our discriminator; select by source address.
      if (packet.state !== BfdState.down && packet.state !== BfdState.adminDown) return 'notDown';
      entry = this.#byKey.get(keyOf({ peerAddress: datagram.fromAddress, multihop: datagram.multihop }));
      if (entry === undefined) return 'noSession';
    }
    // RFC 5881 §5 (GTSM): single hop requires TTL 255; RFC 5883 §2: a configured minimum.
    if (datagram.ttl < entry.minimumTtl) return 'ttl';
    const nowUs = datagram.receivedAtUs ?? this.#clock.nowUs();
    const result = receivePacket(entry.session, packet, datagram.data, 0, nowUs);
    entry.session = result.session;
    if (result.transition !== undefined) this.#report(entry, result.transition);
    if (result.respond !== undefined) this.#transmit(entry, result.respond === 'final');
    else this.#arm(entry);
    return result.outcome;
  }

  #onTimer(entry: Entry): void {
    entry.cancelTimer = undefined;
    if (this.#byKey.get(entry.key) !== entry) return;
    const result = expireTimers(entry.session, this.#clock.nowUs());
    entry.session = result.session;
    if (result.transition !== undefined) this.#report(entry, result.transition);
    if (result.transmit || result.transition !== undefined) this.#transmit(entry, false);
    else this.#arm(entry);
  }

  /** The pacer thread saw the detection time run out at `atUs`; the state machine decides. */
  #onDetectionExpired(entry: Entry, atUs: number): void {
    if (this.#byKey.get(entry.key) !== entry) return;
    const result = expireTimers(entry.session, atUs);
    entry.session = result.session;
    if (result.transition === undefined) {
      this.#arm(entry);
      return;
    }
    this.#report(entry, result.transition);
    this.#transmit(entry, false);
  }

  #transmit(entry: Entry, final: boolean): void {
    const { session, packet } = transmitPacket(entry.session, this.#clock.nowUs(), this.#random, final);
    entry.session = session;
    const length = controlPacketEncodedLength(packet);
    const bytes = this.#buffer.subarray(0, length);
    encodeControlPacketInto(packet, bytes, 0);
    if (session.config.auth !== undefined) signPacketInto(bytes, 0, length, session.config.auth);
    try {
      if (entry.sender.send(bytes)) this.#sent++;
      else this.#sendFailures++;
    } catch {
      // No route or link down: the detection timer decides what that means, not the send.
      this.#sendFailures++;
    }
    this.#arm(entry);
  }

  #arm(entry: Entry): void {
    if (entry.sender.pace !== undefined) {
      this.#pace(entry, entry.sender.pace);
      return;
    }
    entry.cancelTimer?.();
    entry.cancelTimer = undefined;
    const deadline = nextDeadlineUs(entry.session);
    if (deadline === undefined) return;
    const delay = Math.max(0, deadline - this.#clock.nowUs());
    entry.cancelTimer = this.#clock.schedule(delay, () => this.#onTimer(entry));
  }

  /** Hands the pacer thread what it sends periodically and the detection time, as they are now. */
  #pace(entry: Entry, pace: NonNullable<BfdSender['pace']>): void {
    const s = entry.session;
    const { packet } = transmitPacket(s, this.#clock.nowUs(), this.#random, false);
    const length = controlPacketEncodedLength(packet);
    const bytes = this.#buffer.subarray(0, length);
    encodeControlPacketInto(packet, bytes, 0);
    pace({
      packet: bytes,
      intervalUs: periodicIntervalUs(s),
      detectMultiplier: s.config.detectMultiplier,
      detectionTimeUs: s.detectionAtUs === undefined ? 0 : detectionTimeUs(s),
    });
  }

  #report(entry: Entry, transition: Transition): void {
    this.#onStateChange({
      ...transition,
      peerAddress: entry.spec.peerAddress,
      multihop: entry.spec.multihop ?? false,
      atUs: this.#clock.nowUs(),
    });
  }

  /** Random, so a restarted speaker does not reuse its predecessor's (RFC 5880 §6.3). */
  #newDiscriminator(): number {
    for (;;) {
      const candidate = randomInt(1, 0x1_0000_0000);
      if (!this.#byDiscriminator.has(candidate)) return candidate;
    }
  }

  #info(entry: Entry): SessionInfo {
    const s = entry.session;
    return {
      peerAddress: entry.spec.peerAddress,
      multihop: entry.spec.multihop ?? false,
      state: s.state,
      remoteState: s.remoteState,
      diagnostic: s.diagnostic,
      localDiscriminator: s.config.localDiscriminator,
      remoteDiscriminator: s.remoteDiscriminator,
      sourcePort: entry.sender.sourcePort,
      transmitIntervalUs: transmitIntervalUs(s),
      detectionTimeUs: detectionTimeUs(s),
    };
  }
}
