/**
 * The state machine against RFC 4271 section 8.2.2's event table, state by state, plus the
 * collision rules of section 6.8 and the backoff of the automatic restart. Pure: no clock at all.
 */
import {
  CeaseSubcode,
  FsmErrorSubcode,
  KEEPALIVE,
  MessageType,
  NotificationCode,
  type NotificationMessage,
  type OpenMessage,
  OpenMessageErrorSubcode,
} from '@baremetal-lb/bgp-wire';
import { describe, expect, it } from 'vitest';
import { buildOpen } from './negotiate.ts';
import type { SessionAction } from './session-action.ts';
import type { SessionEvent } from './session-event.ts';
import {
  backoffMs,
  initialModel,
  type MachineConfig,
  OPEN_SENT_HOLD_MS,
  type SessionModel,
  transition,
} from './session-machine.ts';
import { SessionState } from './session-state.ts';

const LOCAL_ID = 0xc6336401; // 198.51.100.1
const PEER_ID = 0xc6336402; // 198.51.100.2

function config(overrides: Partial<MachineConfig> = {}): MachineConfig {
  return {
    localAsn: 64512,
    peerAsn: 4200000000,
    routerId: LOCAL_ID,
    open: buildOpen({ localAsn: 64512, routerId: LOCAL_ID, holdTimeSeconds: 90, ipv4: true, ipv6: true }),
    passive: false,
    connectRetryMs: 10_000,
    backoff: { initialMs: 1000, maxMs: 120_000 },
    random: () => 0.5,
    ...overrides,
  };
}

const peerOpen = (patch: Partial<OpenMessage> = {}): OpenMessage => ({
  ...buildOpen({ localAsn: 4200000000, routerId: PEER_ID, holdTimeSeconds: 30, ipv4: true, ipv6: false }),
  ...patch,
});

/** Runs events from `model`, returning the final model and every action of the last event. */
function run(cfg: MachineConfig, events: readonly SessionEvent[], model = initialModel()) {
  let actions: readonly SessionAction[] = [];
  for (const event of events) ({ model, actions } = transition(model, event, cfg));
  return { model, actions };
}

const sent = (actions: readonly SessionAction[]) =>
  actions.flatMap((a) => (a.type === 'send' ? [a.message] : []));
const notifications = (actions: readonly SessionAction[]) =>
  sent(actions).filter((m): m is NotificationMessage => m.type === MessageType.notification);
const timers = (actions: readonly SessionAction[]) =>
  actions.flatMap((a) =>
    a.type === 'startTimer'
      ? [`${a.timer}${a.connection ?? ''}=${a.ms}`]
      : a.type === 'stopTimer'
        ? [`-${a.timer}${a.connection ?? ''}`]
        : [],
  );

const start: SessionEvent = { type: 'manualStart' };
const up1: SessionEvent = { type: 'tcpConnectionConfirmed', connection: 1, direction: 'outgoing' };
const open1 = (open = peerOpen()): SessionEvent => ({ type: 'openReceived', connection: 1, open });
const keepalive1: SessionEvent = { type: 'keepaliveReceived', connection: 1 };
const toEstablished = [start, up1, open1(), keepalive1];

describe('Idle', () => {
  it('ManualStart (event 1): connects, starts ConnectRetryTimer, goes to Connect', () => {
    const { model, actions } = run(config(), [start]);
    expect(model.state).toBe(SessionState.connect);
    expect(actions).toContainEqual({ type: 'connect', connection: 1 });
    expect(timers(actions)).toContain('connectRetry=10000');
  });

  it('ManualStart with passive TCP establishment (event 4): Active, no connect', () => {
    const { model, actions } = run(config({ passive: true }), [start]);
    expect(model.state).toBe(SessionState.active);
    expect(actions.some((a) => a.type === 'connect')).toBe(false);
  });

  it('refuses an incoming connection and ignores other events', () => {
    const { model, actions } = run(config(), [
      { type: 'tcpConnectionConfirmed', connection: 7, direction: 'incoming' },
    ]);
    expect(model.state).toBe(SessionState.idle);
    expect(actions).toEqual([{ type: 'close', connection: 7 }]);
    for (const event of [
      keepalive1,
      { type: 'connectRetryTimerExpires' } as const,
      { type: 'idleHoldTimerExpires' } as const,
    ]) {
      expect(run(config(), [event]).actions).toEqual([]);
    }
  });
});

describe('Connect', () => {
  it('TcpConnectionConfirmed (event 17): sends OPEN, hold timer at the large value, OpenSent', () => {
    const { model, actions } = run(config(), [start, up1]);
    expect(model.state).toBe(SessionState.openSent);
    expect(sent(actions)).toEqual([config().open]);
    expect(timers(actions)).toEqual(['-connectRetry', `hold1=${OPEN_SENT_HOLD_MS}`]);
  });

  it('ConnectRetryTimer_Expires (event 9): drops the attempt and connects again', () => {
    const { model, actions } = run(config(), [start, { type: 'connectRetryTimerExpires' }]);
    expect(model.state).toBe(SessionState.connect);
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
    expect(actions).toContainEqual({ type: 'connect', connection: 2 });
  });

  it('TcpConnectionFails (event 18): Idle, counter + 1, automatic restart after the backoff', () => {
    const { model, actions } = run(config(), [start, { type: 'tcpConnectionFails', connection: 1 }]);
    expect(model.state).toBe(SessionState.idle);
    expect(model.connectRetryCounter).toBe(1);
    expect(timers(actions)).toContain(`idleHold=${backoffMs(1, config())}`);
    const again = transition(model, { type: 'idleHoldTimerExpires' }, config());
    expect(again.model.state).toBe(SessionState.connect);
    expect(again.actions).toContainEqual({ type: 'connect', connection: 2 });
  });

  it('an incoming connection while connecting replaces the attempt', () => {
    const { model, actions } = run(config(), [
      start,
      { type: 'tcpConnectionConfirmed', connection: 9, direction: 'incoming' },
    ]);
    expect(model.state).toBe(SessionState.openSent);
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
    expect(actions).toContainEqual({ type: 'send', connection: 9, message: config().open });
  });

  it('ManualStop (event 2): Idle, no restart timer', () => {
    const { model, actions } = run(config(), [start, { type: 'manualStop' }]);
    expect(model).toMatchObject({ state: SessionState.idle, started: false, connectRetryCounter: 0 });
    expect(timers(actions).some((t) => t.startsWith('idleHold='))).toBe(false);
  });
});

describe('Active', () => {
  it('ConnectRetryTimer_Expires: initiates (not when passive)', () => {
    const failed = run(config(), [start, { type: 'tcpConnectionFails', connection: 1 }]).model;
    const active: SessionModel = { ...failed, state: SessionState.active };
    expect(transition(active, { type: 'connectRetryTimerExpires' }, config()).model.state).toBe(
      SessionState.connect,
    );
    const passive = run(config({ passive: true }), [start]).model;
    expect(
      transition(passive, { type: 'connectRetryTimerExpires' }, config({ passive: true })).actions,
    ).toEqual([]);
  });

  it('passive: the incoming connection gets our OPEN', () => {
    const { model, actions } = run(config({ passive: true }), [
      start,
      { type: 'tcpConnectionConfirmed', connection: 3, direction: 'incoming' },
    ]);
    expect(model.state).toBe(SessionState.openSent);
    expect(sent(actions)).toEqual([config().open]);
  });
});

describe('OpenSent', () => {
  it('BGPOpen (event 19): KEEPALIVE, negotiated hold and keepalive timers, OpenConfirm', () => {
    const { model, actions } = run(config(), [start, up1, open1()]);
    expect(model.state).toBe(SessionState.openConfirm);
    expect(sent(actions)).toEqual([KEEPALIVE]);
    // min(90, 30) = 30 s; keepalive a third of it.
    expect(timers(actions)).toEqual(['keepalive1=10000', 'hold1=30000']);
  });

  it('a configured keepalive interval is used, capped at a third of the hold time', () => {
    expect(timers(run(config({ keepaliveSeconds: 3 }), [start, up1, open1()]).actions)).toContain(
      'keepalive1=3000',
    );
    expect(timers(run(config({ keepaliveSeconds: 60 }), [start, up1, open1()]).actions)).toContain(
      'keepalive1=10000',
    );
  });

  it('hold time 0 on either side: no keepalives and no hold timer', () => {
    const { actions } = run(config(), [start, up1, open1(peerOpen({ holdTime: 0 }))]);
    expect(timers(actions)).toEqual(['-hold1']);
  });

  it('a wrong peer AS: OPEN Message Error / Bad Peer AS, Idle', () => {
    const { model, actions } = run(config({ peerAsn: 65001 }), [start, up1, open1()]);
    expect(model.state).toBe(SessionState.idle);
    expect(notifications(actions)).toMatchObject([
      { code: NotificationCode.openMessageError, subcode: OpenMessageErrorSubcode.badPeerAs },
    ]);
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
  });

  it('iBGP peer with our own BGP Identifier: Bad BGP Identifier', () => {
    const cfg = config({ peerAsn: 64512 });
    const open = {
      ...buildOpen({ localAsn: 64512, routerId: LOCAL_ID, holdTimeSeconds: 90, ipv4: true, ipv6: false }),
    };
    expect(notifications(run(cfg, [start, up1, open1(open)]).actions)).toMatchObject([
      { code: NotificationCode.openMessageError, subcode: OpenMessageErrorSubcode.badBgpIdentifier },
    ]);
  });

  it('HoldTimer_Expires (event 10): NOTIFICATION Hold Timer Expired, Idle, counter + 1', () => {
    const { model, actions } = run(config(), [start, up1, { type: 'holdTimerExpires', connection: 1 }]);
    expect(model).toMatchObject({ state: SessionState.idle, connectRetryCounter: 1 });
    expect(notifications(actions)).toMatchObject([{ code: NotificationCode.holdTimerExpired, subcode: 0 }]);
  });

  it('KEEPALIVE, UPDATE or ROUTE-REFRESH: FSM Error, unexpected message in OpenSent (RFC 6608)', () => {
    for (const type of ['keepaliveReceived', 'updateReceived', 'routeRefreshReceived'] as const) {
      const { model, actions } = run(config(), [start, up1, { type, connection: 1 }]);
      expect(model.state).toBe(SessionState.idle);
      expect(notifications(actions)).toMatchObject([
        {
          code: NotificationCode.finiteStateMachineError,
          subcode: FsmErrorSubcode.unexpectedMessageInOpenSent,
        },
      ]);
    }
  });

  it('a decode error (events 21/22): the decoder NOTIFICATION is sent, Idle', () => {
    const bad: NotificationMessage = {
      type: MessageType.notification,
      code: 1,
      subcode: 2,
      data: Uint8Array.of(0, 5),
    };
    const { model, actions } = run(config(), [
      start,
      up1,
      { type: 'messageError', connection: 1, notification: bad },
    ]);
    expect(model.state).toBe(SessionState.idle);
    expect(notifications(actions)).toEqual([bad]);
  });

  it('NOTIFICATION received (event 25) or the connection fails: close without a NOTIFICATION, Idle', () => {
    const cease: NotificationMessage = {
      type: MessageType.notification,
      code: 6,
      subcode: 2,
      data: new Uint8Array(),
    };
    for (const event of [
      { type: 'notificationReceived', connection: 1, notification: cease },
      { type: 'tcpConnectionFails', connection: 1 },
    ] as const) {
      const { model, actions } = run(config(), [start, up1, event]);
      expect(model.state).toBe(SessionState.idle);
      expect(notifications(actions)).toEqual([]);
      expect(actions).toContainEqual({ type: 'close', connection: 1 });
    }
  });

  it('ManualStop: Cease / Administrative Shutdown', () => {
    const { actions } = run(config(), [start, up1, { type: 'manualStop' }]);
    expect(notifications(actions)).toMatchObject([
      { code: NotificationCode.cease, subcode: CeaseSubcode.administrativeShutdown },
    ]);
  });
});

describe('OpenConfirm', () => {
  const openConfirm = [start, up1, open1()];

  it('KeepAliveMsg (event 26): Established, hold timer restarted, counter reset', () => {
    const { model, actions } = run(config(), [...openConfirm, keepalive1]);
    expect(model).toMatchObject({ state: SessionState.established, connectRetryCounter: 0 });
    expect(timers(actions)).toEqual(['hold1=30000']);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'established', connection: 1 }));
  });

  it('KeepaliveTimer_Expires (event 11): sends KEEPALIVE and restarts the timer', () => {
    const { actions } = run(config(), [...openConfirm, { type: 'keepaliveTimerExpires', connection: 1 }]);
    expect(sent(actions)).toEqual([KEEPALIVE]);
    expect(timers(actions)).toEqual(['keepalive1=10000']);
  });

  it('a second OPEN or an UPDATE: FSM Error in OpenConfirm', () => {
    for (const event of [open1(), { type: 'updateReceived', connection: 1 } as const]) {
      expect(notifications(run(config(), [...openConfirm, event]).actions)).toMatchObject([
        {
          code: NotificationCode.finiteStateMachineError,
          subcode: FsmErrorSubcode.unexpectedMessageInOpenConfirm,
        },
      ]);
    }
  });

  it('HoldTimer_Expires: Hold Timer Expired, Idle', () => {
    const { model, actions } = run(config(), [...openConfirm, { type: 'holdTimerExpires', connection: 1 }]);
    expect(model.state).toBe(SessionState.idle);
    expect(notifications(actions)).toMatchObject([{ code: NotificationCode.holdTimerExpired }]);
  });
});

describe('Established', () => {
  it('KEEPALIVE, UPDATE and ROUTE-REFRESH restart the hold timer and nothing else', () => {
    const est = run(config(), toEstablished).model;
    for (const type of ['keepaliveReceived', 'updateReceived', 'routeRefreshReceived'] as const) {
      const { model, actions } = transition(est, { type, connection: 1 }, config());
      expect(actions).toEqual([{ type: 'startTimer', timer: 'hold', connection: 1, ms: 30_000 }]);
      expect(model.state).toBe(SessionState.established);
    }
  });

  it('sending UPDATEs restarts the KeepaliveTimer (section 4.4); not in OpenConfirm', () => {
    expect(timers(run(config(), [...toEstablished, { type: 'updatesSent', connection: 1 }]).actions)).toEqual(
      ['keepalive1=10000'],
    );
    expect(run(config(), [start, up1, open1(), { type: 'updatesSent', connection: 1 }]).actions).toEqual([]);
  });

  it('HoldTimer_Expires: Hold Timer Expired, session down, automatic restart', () => {
    const { model, actions } = run(config(), [...toEstablished, { type: 'holdTimerExpires', connection: 1 }]);
    expect(model).toMatchObject({ state: SessionState.idle, connectRetryCounter: 1, started: true });
    expect(notifications(actions)).toMatchObject([{ code: NotificationCode.holdTimerExpired }]);
    expect(actions).toContainEqual({ type: 'sessionDown', reason: 'hold timer expired' });
    expect(timers(actions)).toContain('idleHold=875');
  });

  it('OPEN in Established: FSM Error, unexpected message in Established', () => {
    expect(notifications(run(config(), [...toEstablished, open1()]).actions)).toMatchObject([
      {
        code: NotificationCode.finiteStateMachineError,
        subcode: FsmErrorSubcode.unexpectedMessageInEstablished,
      },
    ]);
  });

  it('UPDATE error (event 28): the decoder NOTIFICATION, session down', () => {
    const bad: NotificationMessage = {
      type: MessageType.notification,
      code: 3,
      subcode: 1,
      data: new Uint8Array(),
    };
    const { model, actions } = run(config(), [
      ...toEstablished,
      { type: 'messageError', connection: 1, notification: bad },
    ]);
    expect(model.state).toBe(SessionState.idle);
    expect(notifications(actions)).toEqual([bad]);
    expect(actions).toContainEqual({ type: 'sessionDown', reason: 'malformed message' });
  });

  it('ManualStop: Cease with the RFC 8203 message, session down, no restart', () => {
    const data = Uint8Array.of(4, ...Buffer.from('bye!'));
    const { model, actions } = run(config(), [...toEstablished, { type: 'manualStop', data }]);
    expect(model).toMatchObject({ state: SessionState.idle, started: false });
    expect(notifications(actions)).toEqual([{ type: MessageType.notification, code: 6, subcode: 2, data }]);
    expect(actions).toContainEqual({ type: 'sessionDown', reason: 'stopped' });
  });
});

describe('connection collision (section 6.8)', () => {
  const incoming2: SessionEvent = { type: 'tcpConnectionConfirmed', connection: 2, direction: 'incoming' };
  const open2 = (open = peerOpen()): SessionEvent => ({ type: 'openReceived', connection: 2, open });

  it('with Established: the new connection gets Cease / Connection Collision Resolution', () => {
    const { model, actions } = run(config(), [...toEstablished, incoming2]);
    expect(model.state).toBe(SessionState.established);
    expect(notifications(actions)).toMatchObject([
      { code: 6, subcode: CeaseSubcode.connectionCollisionResolution },
    ]);
    expect(actions).toContainEqual({ type: 'close', connection: 2 });
  });

  it('peer identifier higher: the connection the peer opened survives', () => {
    // Outgoing 1 in OpenConfirm; the peer's incoming 2 brings its OPEN.
    const { model, actions } = run(config(), [start, up1, open1(), incoming2, open2()]);
    expect(model.connections.map((c) => c.id)).toEqual([2]);
    expect(actions).toContainEqual({
      type: 'send',
      connection: 1,
      message: expect.objectContaining({ code: 6, subcode: 7 }),
    });
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
    expect(model.state).toBe(SessionState.openConfirm);
  });

  it('our identifier higher: the connection we opened survives', () => {
    const cfg = config({ routerId: 0xcb007101 });
    const { model, actions } = run(cfg, [start, up1, open1(), incoming2, open2()]);
    expect(model.connections.map((c) => c.id)).toEqual([1]);
    expect(actions).toContainEqual({ type: 'close', connection: 2 });
    expect(model.state).toBe(SessionState.openConfirm);
  });

  it('the first connection to reach Established closes the other', () => {
    const { model, actions } = run(config(), [start, up1, incoming2, open1(), keepalive1]);
    expect(model.state).toBe(SessionState.established);
    expect(model.connections.map((c) => c.id)).toEqual([1]);
    expect(actions).toContainEqual({ type: 'close', connection: 2 });
  });

  it('losing one of two connections leaves the session on the other', () => {
    const { model, actions } = run(config(), [
      start,
      up1,
      incoming2,
      { type: 'tcpConnectionFails', connection: 1 },
    ]);
    expect(model.state).toBe(SessionState.openSent);
    expect(model.connections.map((c) => c.id)).toEqual([2]);
    expect(timers(actions).some((t) => t.startsWith('idleHold'))).toBe(false);
  });
});

describe('automatic restart backoff', () => {
  it('doubles per failure from 1 s up to 120 s, jittered into [0.75, 1)', () => {
    const low = config({ random: () => 0 });
    const high = config({ random: () => 0.999999 });
    expect([1, 2, 3, 4, 8, 20].map((n) => backoffMs(n, low))).toEqual([
      750, 1500, 3000, 6000, 90_000, 90_000,
    ]);
    expect(backoffMs(1, high)).toBe(1000);
    expect(backoffMs(30, high)).toBe(120_000);
  });

  it('the counter grows with each failure and resets on Established', () => {
    const cfg = config();
    let { model } = run(cfg, [start]);
    for (let i = 1; i <= 3; i++) {
      model = run(
        cfg,
        [{ type: 'tcpConnectionFails', connection: model.connecting! }, { type: 'idleHoldTimerExpires' }],
        model,
      ).model;
      expect(model.connectRetryCounter).toBe(i);
    }
    const id = model.connecting!;
    model = run(
      cfg,
      [
        { type: 'tcpConnectionConfirmed', connection: id, direction: 'outgoing' },
        { type: 'openReceived', connection: id, open: peerOpen() },
        { type: 'keepaliveReceived', connection: id },
      ],
      model,
    ).model;
    expect(model).toMatchObject({ state: SessionState.established, connectRetryCounter: 0 });
  });
});

describe('graceful restart (RFC 4724)', () => {
  const incoming2: SessionEvent = { type: 'tcpConnectionConfirmed', connection: 2, direction: 'incoming' };

  it('helper: a new connection from a restarting-capable peer replaces the Established session', () => {
    const grOpen = peerOpen({
      parameters: [
        {
          kind: 'capabilities',
          capabilities: [
            { kind: 'fourOctetAs', asn: 4200000000 },
            {
              kind: 'gracefulRestart',
              restarting: true,
              notification: false,
              restartTimeSeconds: 120,
              families: [],
            },
          ],
        },
      ],
    });
    const { model, actions } = run(config(), [start, up1, open1(grOpen), keepalive1, incoming2]);
    expect(actions).toContainEqual({ type: 'sessionDown', reason: 'peer restarted' });
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
    expect(notifications(actions)).toEqual([]);
    expect(model.state).toBe(SessionState.openSent);
    expect(model.connections.map((c) => c.id)).toEqual([2]);
  });

  it('restarting speaker: a silent stop sends no NOTIFICATION, so the peer keeps our routes', () => {
    const { model, actions } = run(config(), [...toEstablished, { type: 'manualStop', silent: true }]);
    expect(model.state).toBe(SessionState.idle);
    expect(notifications(actions)).toEqual([]);
    expect(actions).toContainEqual({ type: 'close', connection: 1 });
  });
});

describe('BFD Down (RFC 9384)', () => {
  it('Established: Cease / BFD Down, session down, automatic restart', () => {
    const { model, actions } = run(config(), [...toEstablished, { type: 'bfdDown' }]);
    expect(model).toMatchObject({ state: SessionState.idle, started: true, connectRetryCounter: 1 });
    expect(notifications(actions)).toMatchObject([
      { code: NotificationCode.cease, subcode: CeaseSubcode.bfdDown },
    ]);
    expect(actions).toContainEqual({ type: 'sessionDown', reason: 'BFD down' });
    expect(timers(actions).some((t) => t.startsWith('idleHold='))).toBe(true);
  });

  it('Idle: nothing to tear down', () => {
    expect(run(config(), [{ type: 'bfdDown' }]).actions).toEqual([]);
  });
});
