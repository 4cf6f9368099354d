/**
 * The asynchronous-mode state machine of one BFD session (RFC 5880 §6.2, §6.8) as pure
 * functions: the caller passes the time (`nowUs`, microseconds on any monotonic clock) and a
 * random source for jitter, and gets a new SessionState plus what to do (send a packet, report a
 * transition, when to wake up next).
 *
 * Supported: Down/Init/Up/AdminDown, discriminators, Poll/Final sequences for timer changes with
 * the "old value until Final" rules of §6.8.3, the detection time of §6.8.4, jitter of §6.8.7,
 * the 1 s slow rate while not Up, passive role, all authentication types, and ceasing periodic
 * transmission when the peer asks for Demand mode. Not supported: running Demand mode ourselves
 * (we never set D) and the Echo function (we always advertise Required Min Echo RX 0).
 */
import { isMeticulous } from './auth-section.ts';
import { buildAuthSection, verifyPacketAuth } from './authenticate-packet.ts';
import { BFD_VERSION, BfdDiagnostic, BfdState } from './bfd-constants.ts';
import type { ControlPacket } from './control-packet.ts';
import { type SessionConfig, SLOW_TX_INTERVAL_US } from './session-config.ts';
import {
  advertisedDesiredMinTxUs,
  detectionTimeUs,
  isDemandQuiet,
  transmitIntervalUs,
} from './session-timers.ts';

export type SessionState = {
  readonly config: SessionConfig;
  /** bfd.SessionState. */
  readonly state: BfdState;
  /** bfd.RemoteSessionState. */
  readonly remoteState: BfdState;
  /** bfd.LocalDiag. */
  readonly diagnostic: number;
  /** bfd.RemoteDiscr (0 = unknown). */
  readonly remoteDiscriminator: number;
  /** bfd.RemoteMinRxInterval (µs); 1 until the peer said otherwise. */
  readonly remoteMinRxIntervalUs: number;
  /** Desired Min TX Interval of the last packet received (µs). */
  readonly remoteDesiredMinTxIntervalUs: number;
  /** Detect Mult of the last packet received (0 = none yet). */
  readonly remoteDetectMultiplier: number;
  /** bfd.RemoteDemandMode. */
  readonly remoteDemand: boolean;
  /** DesiredMinTxInterval that governs our transmissions now (old value while a poll raises it). */
  readonly txIntervalInForceUs: number;
  /** RequiredMinRxInterval that governs detection now (old value while a poll lowers it). */
  readonly rxIntervalInForceUs: number;
  /** A Poll Sequence is in progress (P set on every packet until a Final arrives). */
  readonly polling: boolean;
  /** bfd.AuthSeqKnown / bfd.RcvAuthSeq / bfd.XmitAuthSeq. */
  readonly authSeqKnown: boolean;
  readonly receivedAuthSequence: number;
  readonly transmitAuthSequence: number;
  /** Next periodic transmission; undefined while nothing may be sent periodically. */
  readonly nextTransmitAtUs: number | undefined;
  /** When the detection time runs out; undefined before the first packet. */
  readonly detectionAtUs: number | undefined;
  /** When bfd.AuthSeqKnown is forgotten (twice the detection time without packets). */
  readonly authSeqExpiresAtUs: number | undefined;
};

export type Transition = { readonly from: BfdState; readonly to: BfdState; readonly diagnostic: number };

/** Why a packet for this session was discarded, or 'accepted' (RFC 5880 §6.8.6 steps 10-12). */
export type ReceiveOutcome =
  | 'accepted'
  | 'authMissing'
  | 'authUnexpected'
  | 'authFailed'
  | 'authSequence'
  | 'adminDown';

export type ReceiveResult = {
  readonly session: SessionState;
  readonly outcome: ReceiveOutcome;
  readonly transition: Transition | undefined;
  /** Send a packet now: 'final' answers a Poll; 'changed' announces new contents (§6.8.7). */
  readonly respond: 'final' | 'changed' | undefined;
};

/** A uniform random number in [0, 1). */
export type Random = () => number;

/**
 * A new session in Down (RFC 5880 §6.8.1); an active session sends its first packet at once.
 * bfd.XmitAuthSeq "MUST be initialized to a random 32 bit value": the caller supplies it.
 */
export function createSession(config: SessionConfig, nowUs: number, initialAuthSequence = 0): SessionState {
  const slow = Math.max(config.desiredMinTxIntervalUs, SLOW_TX_INTERVAL_US);
  return {
    config,
    state: BfdState.down,
    remoteState: BfdState.down,
    diagnostic: BfdDiagnostic.none,
    remoteDiscriminator: 0,
    remoteMinRxIntervalUs: 1,
    remoteDesiredMinTxIntervalUs: 0,
    remoteDetectMultiplier: 0,
    remoteDemand: false,
    txIntervalInForceUs: slow,
    rxIntervalInForceUs: config.requiredMinRxIntervalUs,
    polling: false,
    authSeqKnown: false,
    receivedAuthSequence: 0,
    transmitAuthSequence: initialAuthSequence >>> 0,
    nextTransmitAtUs: config.passive ? undefined : nowUs,
    detectionAtUs: undefined,
    authSeqExpiresAtUs: undefined,
  };
}

/**
 * Applies a received packet that the caller already matched to this session (§6.8.6: the decoder
 * did steps 1-6, the session table steps 7-9). `raw[offset, ...)` are the packet's bytes, for
 * authentication.
 */
export function receivePacket(
  session: SessionState,
  packet: ControlPacket,
  raw: Uint8Array,
  offset: number,
  nowUs: number,
): ReceiveResult {
  const discard = (outcome: ReceiveOutcome): ReceiveResult => ({
    session,
    outcome,
    transition: undefined,
    respond: undefined,
  });
  const key = session.config.auth;
  // §6.8.6 steps 10-12.
  if (packet.auth !== undefined && key === undefined) return discard('authUnexpected');
  if (packet.auth === undefined && key !== undefined) return discard('authMissing');
  let authSeqKnown = session.authSeqKnown;
  let receivedAuthSequence = session.receivedAuthSequence;
  if (key !== undefined && packet.auth !== undefined) {
    if (!verifyPacketAuth(raw, offset, packet, key)) return discard('authFailed');
    if ('sequence' in packet.auth) {
      // §6.7.3/§6.7.4: within 3 × Detect Mult of the last one (circular), and strictly newer
      // for the meticulous variants.
      const sequence = packet.auth.sequence;
      if (authSeqKnown) {
        const ahead = (sequence - receivedAuthSequence) >>> 0;
        const low = isMeticulous(key.type) ? 1 : 0;
        if (ahead < low || ahead > 3 * packet.detectMultiplier) return discard('authSequence');
      }
      authSeqKnown = true;
      receivedAuthSequence = sequence;
    }
  }

  let next: SessionState = {
    ...session,
    remoteDiscriminator: packet.myDiscriminator,
    remoteState: packet.state,
    remoteDemand: packet.demand,
    remoteMinRxIntervalUs: packet.requiredMinRxIntervalUs,
    remoteDesiredMinTxIntervalUs: packet.desiredMinTxIntervalUs,
    remoteDetectMultiplier: packet.detectMultiplier,
    authSeqKnown,
    receivedAuthSequence,
  };
  if (packet.final && next.polling) {
    // §6.5: the Poll Sequence completes; the new values are in force from now on.
    next = {
      ...next,
      polling: false,
      txIntervalInForceUs: advertisedDesiredMinTxUs(next),
      rxIntervalInForceUs: next.config.requiredMinRxIntervalUs,
    };
  }
  // A passive session starts sending once it has heard from the peer (§6.1).
  if (next.nextTransmitAtUs === undefined && transmitIntervalUs(next) > 0) {
    next = { ...next, nextTransmitAtUs: nowUs };
  }
  const detection = detectionTimeUs(next);
  next = {
    ...next,
    detectionAtUs: nowUs + detection,
    authSeqExpiresAtUs: authSeqKnown ? nowUs + 2 * detection : undefined,
  };

  if (session.state === BfdState.adminDown) return { ...discard('adminDown'), session: next };

  let to: BfdState = session.state;
  let diagnostic = session.diagnostic;
  if (packet.state === BfdState.adminDown) {
    if (session.state !== BfdState.down) {
      to = BfdState.down;
      diagnostic = BfdDiagnostic.neighborSignaledSessionDown;
    }
  } else if (session.state === BfdState.down) {
    if (packet.state === BfdState.down) to = BfdState.init;
    else if (packet.state === BfdState.init) to = BfdState.up;
  } else if (session.state === BfdState.init) {
    if (packet.state === BfdState.init || packet.state === BfdState.up) to = BfdState.up;
  } else if (packet.state === BfdState.down) {
    to = BfdState.down;
    diagnostic = BfdDiagnostic.neighborSignaledSessionDown;
  }

  let transition: Transition | undefined;
  if (to !== session.state) {
    if (to === BfdState.up) diagnostic = BfdDiagnostic.none;
    next = enterState(next, to, diagnostic);
    transition = { from: session.state, to, diagnostic };
  }
  const respond = packet.poll ? 'final' : transition !== undefined ? 'changed' : undefined;
  return { session: next, outcome: 'accepted', transition, respond };
}

/**
 * Handles the timers due at `nowUs`: the detection time (→ Down with diag 1, and forget the
 * remote discriminator, §6.8.1/§6.8.4), the auth sequence expiry, and whether a periodic packet is
 * due (`transmit`; then call transmitPacket).
 */
export function expireTimers(
  session: SessionState,
  nowUs: number,
): {
  readonly session: SessionState;
  readonly transition: Transition | undefined;
  readonly transmit: boolean;
} {
  let next = session;
  let transition: Transition | undefined;
  if (next.authSeqExpiresAtUs !== undefined && nowUs >= next.authSeqExpiresAtUs) {
    next = { ...next, authSeqKnown: false, authSeqExpiresAtUs: undefined };
  }
  if (next.detectionAtUs !== undefined && nowUs >= next.detectionAtUs) {
    next = { ...next, detectionAtUs: undefined, remoteDiscriminator: 0, remoteState: BfdState.down };
    if (next.state === BfdState.init || next.state === BfdState.up) {
      transition = {
        from: next.state,
        to: BfdState.down,
        diagnostic: BfdDiagnostic.controlDetectionTimeExpired,
      };
      next = enterState(next, BfdState.down, BfdDiagnostic.controlDetectionTimeExpired);
    }
    if (next.config.passive) next = { ...next, nextTransmitAtUs: undefined };
  }
  const due = next.nextTransmitAtUs !== undefined && nowUs >= next.nextTransmitAtUs;
  const demandQuiet = isDemandQuiet(next);
  if (due && demandQuiet) {
    next = { ...next, nextTransmitAtUs: nowUs + Math.max(transmitIntervalUs(next), SLOW_TX_INTERVAL_US) };
  }
  return { session: next, transition, transmit: due && !demandQuiet && transmitIntervalUs(next) > 0 };
}

/**
 * The packet to send now, and the session with the next periodic transmission scheduled at the
 * agreed interval less 0-25 % jitter (0-10 % more with Detect Mult 1, §6.8.7).
 */
export function transmitPacket(
  session: SessionState,
  nowUs: number,
  random: Random,
  final = false,
): { readonly session: SessionState; readonly packet: ControlPacket } {
  const config = session.config;
  const sequence =
    config.auth !== undefined ? (session.transmitAuthSequence + 1) >>> 0 : session.transmitAuthSequence;
  const packet: ControlPacket = {
    version: BFD_VERSION,
    diagnostic: session.diagnostic,
    state: session.state,
    // §6.5: never P and F together; a pending Poll rides on the next periodic packet.
    poll: session.polling && !final,
    final,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMultiplier: config.detectMultiplier,
    myDiscriminator: config.localDiscriminator,
    yourDiscriminator: session.remoteDiscriminator,
    desiredMinTxIntervalUs: advertisedDesiredMinTxUs(session),
    requiredMinRxIntervalUs: config.requiredMinRxIntervalUs,
    requiredMinEchoRxIntervalUs: 0,
    auth: config.auth === undefined ? undefined : buildAuthSection(config.auth, sequence),
  };
  const interval = transmitIntervalUs(session);
  const maxJitter = config.detectMultiplier === 1 ? 0.1 : 0;
  const factor = 0.75 + (0.25 - maxJitter) * random();
  const canSend = !(config.passive && session.remoteDiscriminator === 0);
  return {
    session: {
      ...session,
      transmitAuthSequence: sequence,
      nextTransmitAtUs: interval > 0 && canSend ? nowUs + interval * factor : undefined,
    },
    packet,
  };
}

/** Local administrative control (§6.8.16): AdminDown, or back to Down. */
export function setAdminDown(
  session: SessionState,
  down: boolean,
): { session: SessionState; transition?: Transition } {
  if (down === (session.state === BfdState.adminDown)) return { session };
  const to = down ? BfdState.adminDown : BfdState.down;
  const diagnostic = down ? BfdDiagnostic.administrativelyDown : BfdDiagnostic.none;
  return {
    session: enterState(session, to, diagnostic),
    transition: { from: session.state, to, diagnostic },
  };
}

/**
 * New timer settings (§6.8.3): takes effect at once when not Up; when Up, starts a Poll Sequence
 * and keeps a raised transmit interval and a lowered receive interval out of force until Final.
 */
export function reconfigure(session: SessionState, config: SessionConfig): SessionState {
  const next: SessionState = { ...session, config };
  if (session.state !== BfdState.up) {
    return {
      ...next,
      txIntervalInForceUs: advertisedDesiredMinTxUs(next),
      rxIntervalInForceUs: config.requiredMinRxIntervalUs,
    };
  }
  const changed =
    config.desiredMinTxIntervalUs !== session.config.desiredMinTxIntervalUs ||
    config.requiredMinRxIntervalUs !== session.config.requiredMinRxIntervalUs;
  if (!changed) return next;
  return {
    ...next,
    polling: true,
    txIntervalInForceUs: Math.min(session.txIntervalInForceUs, config.desiredMinTxIntervalUs),
    rxIntervalInForceUs: Math.max(session.rxIntervalInForceUs, config.requiredMinRxIntervalUs),
  };
}

/**
 * Moves to `to`. Entering Up advertises the configured (faster) transmit interval, a change that
 * needs a Poll Sequence (§6.8.3); leaving Up falls back to the 1 s slow rate at once.
 */
function enterState(session: SessionState, to: BfdState, diagnostic: number): SessionState {
  const next: SessionState = { ...session, state: to, diagnostic };
  const advertised = advertisedDesiredMinTxUs(next);
  if (to === BfdState.up) {
    const polling = advertised !== session.txIntervalInForceUs || session.polling;
    return { ...next, polling, txIntervalInForceUs: Math.min(advertised, session.txIntervalInForceUs) };
  }
  return {
    ...next,
    polling: false,
    txIntervalInForceUs: advertised,
    rxIntervalInForceUs: next.config.requiredMinRxIntervalUs,
  };
}
