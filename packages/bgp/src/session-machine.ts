/**
 * The BGP finite state machine (RFC 4271 section 8) as a pure function:
 * `transition(model, event, config)` returns the next model and the actions the runtime performs
 * (connect, send, close, start/stop timers). Time never appears here: timers are actions, their
 * expiries are events, and the runtime runs them on an injected clock.
 *
 * Up to two TCP connections can exist at once, one per direction, while a connection collision
 * (section 6.8) is being resolved; hold and keepalive timers belong to a connection. The session's
 * state is that of its furthest connection, or Idle / Connect / Active when it has none.
 *
 * Restarts are automatic (section 8.1.1's AutomaticStart after DampPeerOscillations): a session
 * that fails waits in Idle for the IdleHoldTimer, whose value grows exponentially with
 * ConnectRetryCounter and carries the jitter of section 10, then connects again. ManualStop
 * returns to Idle without restarting.
 */
import {
  CeaseSubcode,
  KEEPALIVE,
  NotificationCode,
  type NotificationMessage,
  type OpenMessage,
  UNSPECIFIC_SUBCODE,
} from '@baremetal-lb/bgp-wire';
import { type Negotiated, negotiate } from './negotiate.ts';
import type { SessionAction } from './session-action.ts';
import type { ConnectionDirection, SessionEvent } from './session-event.ts';
import { TimerName } from './session-event.ts';
import { checkPeerOpen, collision, FSM_SUBCODE, notification } from './session-notifications.ts';
import { type ConnectionPhase, SessionState } from './session-state.ts';

export type MachineConfig = {
  readonly localAsn: number;
  readonly peerAsn: number;
  readonly routerId: number;
  /** Our OPEN (its hold time is the one we propose). */
  readonly open: OpenMessage;
  /** Configured keepalive interval; default a third of the negotiated hold time. */
  readonly keepaliveSeconds?: number;
  /** Never initiate: wait in Active for the peer to connect (RFC 4271 event 4). */
  readonly passive: boolean;
  /** ConnectRetryTime: how long a connect may take, and the wait in Active before connecting again. */
  readonly connectRetryMs: number;
  /** Automatic restart backoff: initialMs × 2^(failures - 1), capped at maxMs, then jittered. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** [0, 1), for the jitter of RFC 4271 section 10. Injected so tests are deterministic. */
  readonly random: () => number;
};

export type Connection = {
  readonly id: number;
  readonly direction: ConnectionDirection;
  readonly phase: ConnectionPhase;
  /** Set from OpenConfirm on. */
  readonly peerOpen?: OpenMessage;
  readonly negotiated?: Negotiated;
};

export type SessionModel = {
  readonly state: SessionState;
  readonly connections: readonly Connection[];
  /** The outgoing connection being attempted, in Connect. */
  readonly connecting: number | undefined;
  /** Section 8.1: failures since the last ManualStart or Established; drives the backoff. */
  readonly connectRetryCounter: number;
  readonly nextConnectionId: number;
  /** False after ManualStop: no automatic restart. */
  readonly started: boolean;
};

export type Transition = { readonly model: SessionModel; readonly actions: readonly SessionAction[] };

/** Section 10: the hold timer's "large value" while waiting for the peer's OPEN. */
export const OPEN_SENT_HOLD_MS = 240_000;

export function initialModel(): SessionModel {
  return {
    state: SessionState.idle,
    connections: [],
    connecting: undefined,
    connectRetryCounter: 0,
    nextConnectionId: 1,
    started: false,
  };
}

/** The restart delay after `failures` failures: exponential, capped, times a jitter in [0.75, 1). */
export function backoffMs(failures: number, config: MachineConfig): number {
  const base = Math.min(config.backoff.initialMs * 2 ** Math.max(0, failures - 1), config.backoff.maxMs);
  return Math.round(base * (0.75 + 0.25 * config.random()));
}

const PHASE_ORDER: Record<ConnectionPhase, number> = { OpenSent: 1, OpenConfirm: 2, Established: 3 };

/** A builder that accumulates actions and model changes for one transition. */
class Step {
  model: SessionModel;
  readonly actions: SessionAction[] = [];
  constructor(model: SessionModel) {
    this.model = model;
  }
  do(action: SessionAction): void {
    this.actions.push(action);
  }
  set(patch: Partial<SessionModel>): void {
    this.model = { ...this.model, ...patch };
  }
  connection(id: number): Connection | undefined {
    return this.model.connections.find((c) => c.id === id);
  }
  putConnection(connection: Connection): void {
    const others = this.model.connections.filter((c) => c.id !== connection.id);
    this.set({ connections: [...others, connection] });
  }
  /** Sends `message` (if any) and closes the connection, with its timers. */
  dropConnection(id: number, message?: NotificationMessage): Connection | undefined {
    const dropped = this.connection(id);
    if (message !== undefined) this.do({ type: 'send', connection: id, message });
    this.do({ type: 'stopTimer', timer: TimerName.hold, connection: id });
    this.do({ type: 'stopTimer', timer: TimerName.keepalive, connection: id });
    this.do({ type: 'close', connection: id });
    this.set({ connections: this.model.connections.filter((c) => c.id !== id) });
    return dropped;
  }
  result(): Transition {
    const furthest = [...this.model.connections].sort(
      (a, b) => PHASE_ORDER[b.phase] - PHASE_ORDER[a.phase],
    )[0];
    if (furthest !== undefined && this.model.state !== furthest.phase) this.set({ state: furthest.phase });
    return { model: this.model, actions: this.actions };
  }
}

export function transition(model: SessionModel, event: SessionEvent, config: MachineConfig): Transition {
  const step = new Step(model);
  switch (event.type) {
    case 'manualStart':
      if (model.started && model.state !== SessionState.idle) return step.result();
      step.set({ started: true, connectRetryCounter: 0 });
      start(step, config);
      return step.result();
    case 'manualStop':
      stop(
        step,
        event.silent
          ? undefined
          : notification(
              NotificationCode.cease,
              event.subcode ?? CeaseSubcode.administrativeShutdown,
              event.data,
            ),
      );
      return step.result();
    case 'bfdDown': {
      if (model.connections.length === 0 && model.connecting === undefined) return step.result();
      const wasEstablished = model.state === SessionState.established;
      for (const c of model.connections)
        step.dropConnection(c.id, notification(NotificationCode.cease, CeaseSubcode.bfdDown));
      fail(step, config, 'BFD down', wasEstablished);
      return step.result();
    }
    case 'idleHoldTimerExpires':
      if (model.state === SessionState.idle && model.started) start(step, config);
      return step.result();
    case 'connectRetryTimerExpires':
      onConnectRetry(step, config);
      return step.result();
    case 'tcpConnectionConfirmed':
      onConnectionUp(step, event.connection, event.direction, config);
      return step.result();
    default:
      onConnectionEvent(step, event, config);
      return step.result();
  }
}

/** Idle → Connect (initiate) or Active (passive: wait for the peer). */
function start(step: Step, config: MachineConfig): void {
  step.do({ type: 'stopTimer', timer: TimerName.idleHold });
  if (config.passive) {
    step.set({ state: SessionState.active, connecting: undefined });
    return;
  }
  initiate(step, config);
}

function initiate(step: Step, config: MachineConfig): void {
  const id = step.model.nextConnectionId;
  step.set({ state: SessionState.connect, connecting: id, nextConnectionId: id + 1 });
  step.do({ type: 'startTimer', timer: TimerName.connectRetry, ms: config.connectRetryMs });
  step.do({ type: 'connect', connection: id });
}

/** ManualStop in any state: Cease on every connection, everything released, no restart. */
function stop(step: Step, cease: NotificationMessage | undefined): void {
  const wasEstablished = step.model.state === SessionState.established;
  abandonAttempt(step);
  for (const c of step.model.connections) step.dropConnection(c.id, cease);
  step.do({ type: 'stopTimer', timer: TimerName.connectRetry });
  step.do({ type: 'stopTimer', timer: TimerName.idleHold });
  step.set({ state: SessionState.idle, started: false, connectRetryCounter: 0 });
  if (wasEstablished) step.do({ type: 'sessionDown', reason: 'stopped' });
}

function abandonAttempt(step: Step): void {
  if (step.model.connecting === undefined) return;
  step.do({ type: 'close', connection: step.model.connecting });
  step.set({ connecting: undefined });
}

/**
 * The session failed (every connection is gone): Idle, ConnectRetryCounter + 1, automatic
 * restart after the backoff (section 8.2.2's "changes its state to Idle" plus DampPeerOscillations).
 */
function fail(step: Step, config: MachineConfig, reason: string, wasEstablished: boolean): void {
  abandonAttempt(step);
  const failures = step.model.connectRetryCounter + 1;
  step.do({ type: 'stopTimer', timer: TimerName.connectRetry });
  step.set({ state: SessionState.idle, connectRetryCounter: failures });
  if (wasEstablished) step.do({ type: 'sessionDown', reason });
  if (step.model.started)
    step.do({ type: 'startTimer', timer: TimerName.idleHold, ms: backoffMs(failures, config) });
}

function onConnectRetry(step: Step, config: MachineConfig): void {
  const { state } = step.model;
  if (state === SessionState.connect) {
    // The attempt took too long: drop it and try again (section 8.2.2, Connect, event 9).
    abandonAttempt(step);
    initiate(step, config);
  } else if (state === SessionState.active && !config.passive) {
    initiate(step, config);
  }
}

function onConnectionUp(step: Step, id: number, direction: ConnectionDirection, config: MachineConfig): void {
  const { state } = step.model;
  if (direction === 'outgoing' && step.model.connecting !== id) {
    // A stale attempt that completed after it was abandoned.
    step.do({ type: 'close', connection: id });
    return;
  }
  if (state === SessionState.idle) {
    // Idle refuses connections (section 8.2.2, Idle: events 14-17 are ignored).
    step.do({ type: 'close', connection: id });
    return;
  }
  if (state === SessionState.established) {
    const established = step.model.connections.find((c) => c.phase === SessionState.established)!;
    if (direction === 'outgoing' || established.negotiated?.peerGracefulRestart === undefined) {
      // Section 6.8: a connection colliding with an Established one is closed.
      step.do({ type: 'send', connection: id, message: collision() });
      step.do({ type: 'close', connection: id });
      return;
    }
    // RFC 4724 section 4.2: a new connection from a peer that can restart gracefully means it
    // restarted; the old session is gone (no NOTIFICATION: the peer's side of it no longer exists).
    step.dropConnection(established.id);
    step.do({ type: 'sessionDown', reason: 'peer restarted' });
    step.set({ state: SessionState.active });
  }
  if (step.model.connections.some((c) => c.direction === direction)) {
    step.do({ type: 'close', connection: id });
    return;
  }
  if (direction === 'outgoing') step.set({ connecting: undefined });
  else if (step.model.connecting !== undefined && step.model.connections.length === 0) {
    // The peer connected first while our attempt is pending: use its connection.
    abandonAttempt(step);
  }
  step.do({ type: 'stopTimer', timer: TimerName.connectRetry });
  step.do({ type: 'send', connection: id, message: config.open });
  step.do({ type: 'startTimer', timer: TimerName.hold, connection: id, ms: OPEN_SENT_HOLD_MS });
  step.putConnection({ id, direction, phase: SessionState.openSent });
}

type ConnectionEvent = Extract<SessionEvent, { connection: number }>;

function onConnectionEvent(step: Step, event: ConnectionEvent, config: MachineConfig): void {
  const id = event.connection;
  if (event.type === 'tcpConnectionFails' && step.model.connecting === id) {
    // Connect, event 18: the attempt failed.
    step.set({ connecting: undefined });
    step.do({ type: 'close', connection: id });
    fail(step, config, 'connection failed', false);
    return;
  }
  const connection = step.connection(id);
  if (connection === undefined) return; // a late event for a connection already dropped
  const wasEstablished = connection.phase === SessionState.established;
  const lose = (message: NotificationMessage | undefined, reason: string) => {
    step.dropConnection(id, message);
    if (step.model.connections.length === 0) fail(step, config, reason, wasEstablished);
  };
  switch (event.type) {
    case 'holdTimerExpires':
      lose(notification(NotificationCode.holdTimerExpired, UNSPECIFIC_SUBCODE), 'hold timer expired');
      return;
    case 'updatesSent':
      if (connection.phase !== SessionState.established || connection.negotiated!.keepaliveMs === 0) return;
      step.do({
        type: 'startTimer',
        timer: TimerName.keepalive,
        connection: id,
        ms: connection.negotiated!.keepaliveMs,
      });
      return;
    case 'keepaliveTimerExpires':
      if (connection.phase === SessionState.openSent || connection.negotiated === undefined) return;
      step.do({ type: 'send', connection: id, message: KEEPALIVE });
      step.do({
        type: 'startTimer',
        timer: TimerName.keepalive,
        connection: id,
        ms: connection.negotiated.keepaliveMs,
      });
      return;
    case 'tcpConnectionFails':
      lose(undefined, 'connection closed');
      return;
    case 'messageError':
      lose(event.notification, 'malformed message');
      return;
    case 'notificationReceived':
      lose(undefined, 'notification received');
      return;
    case 'openReceived':
      if (connection.phase !== SessionState.openSent) {
        lose(
          notification(NotificationCode.finiteStateMachineError, FSM_SUBCODE[connection.phase]),
          'unexpected OPEN',
        );
        return;
      }
      onOpen(step, connection, event.open, config, lose);
      return;
    case 'keepaliveReceived':
      if (connection.phase === SessionState.openSent) {
        lose(
          notification(NotificationCode.finiteStateMachineError, FSM_SUBCODE.OpenSent),
          'unexpected KEEPALIVE',
        );
        return;
      }
      restartHold(step, connection);
      if (connection.phase === SessionState.openConfirm) establish(step, connection);
      return;
    case 'updateReceived':
    case 'routeRefreshReceived':
      if (connection.phase !== SessionState.established) {
        lose(
          notification(NotificationCode.finiteStateMachineError, FSM_SUBCODE[connection.phase]),
          'unexpected message',
        );
        return;
      }
      // The runtime handles the message itself once the machine accepted it.
      restartHold(step, connection);
      return;
  }
}

function restartHold(step: Step, connection: Connection): void {
  const holdSeconds = connection.negotiated?.holdTimeSeconds ?? 0;
  if (holdSeconds > 0) {
    step.do({ type: 'startTimer', timer: TimerName.hold, connection: connection.id, ms: holdSeconds * 1000 });
  }
}

function onOpen(
  step: Step,
  connection: Connection,
  open: OpenMessage,
  config: MachineConfig,
  lose: (message: NotificationMessage | undefined, reason: string) => void,
): void {
  const rejection = checkPeerOpen(open, config);
  if (rejection !== undefined) {
    lose(rejection, 'OPEN rejected');
    return;
  }
  // Section 6.8: another connection that already has the peer's OPEN collides with this one.
  const other = step.model.connections.find(
    (c) => c.id !== connection.id && c.phase !== SessionState.openSent,
  );
  if (other !== undefined) {
    const keepOther =
      other.phase === SessionState.established ||
      other.direction ===
        (keepsLocallyInitiated(config.routerId, open.bgpIdentifier) ? 'outgoing' : 'incoming');
    if (keepOther) {
      lose(collision(), 'connection collision');
      return;
    }
    step.dropConnection(other.id, collision());
  }
  const negotiated = negotiate(config.open, open, config.keepaliveSeconds);
  step.do({ type: 'send', connection: connection.id, message: KEEPALIVE });
  if (negotiated.holdTimeSeconds === 0) {
    step.do({ type: 'stopTimer', timer: TimerName.hold, connection: connection.id });
  } else {
    step.do({
      type: 'startTimer',
      timer: TimerName.keepalive,
      connection: connection.id,
      ms: negotiated.keepaliveMs,
    });
    step.do({
      type: 'startTimer',
      timer: TimerName.hold,
      connection: connection.id,
      ms: negotiated.holdTimeSeconds * 1000,
    });
  }
  step.putConnection({ ...connection, phase: SessionState.openConfirm, peerOpen: open, negotiated });
}

/** Section 6.8: the connection opened by the speaker with the higher BGP Identifier survives. */
function keepsLocallyInitiated(localId: number, remoteId: number): boolean {
  return localId >>> 0 > remoteId >>> 0;
}

function establish(step: Step, connection: Connection): void {
  // A connection still in OpenSent loses to the one that got here first.
  for (const other of step.model.connections) {
    if (other.id !== connection.id) step.dropConnection(other.id, collision());
  }
  step.putConnection({ ...connection, phase: SessionState.established });
  step.set({ connectRetryCounter: 0 });
  step.do({
    type: 'established',
    connection: connection.id,
    negotiated: connection.negotiated!,
    peerOpen: connection.peerOpen!,
  });
}
