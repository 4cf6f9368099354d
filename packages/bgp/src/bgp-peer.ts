/**
 * One BGP neighbor at run time: drives the pure state machine (session-machine.ts) with socket
 * callbacks, decoded messages and timers on the injected clock, performs its actions, and keeps
 * the peer's Adj-RIB-Out in step with `announce` / `withdraw`. Changes made in one synchronous
 * burst go out together, in as few UPDATEs as their attributes allow; nothing waits on a timer.
 */
import { EventEmitter } from 'node:events';
import {
  Afi,
  type BgpMessage,
  BgpMessageError,
  bgpMessageEncodedLength,
  buildEndOfRib,
  DEFAULT_SESSION,
  decodeBgpMessage,
  ErrorAction,
  encodeBgpMessageInto,
  endOfRibFamily,
  MessageFramer,
  MessageHeaderErrorSubcode,
  MessageType,
  NotificationCode,
  notificationFor,
  Safi,
  type SessionOptions,
  type UpdateMessage,
} from '@baremetal-lb/bgp-wire';
import { AdjRibOut } from './adj-rib-out.ts';
import type { BgpClock } from './bgp-clock.ts';
import type { BgpConnection, BgpTransport } from './bgp-transport.ts';
import { type PeerContext, peerContext } from './build-updates.ts';
import { describeNotification } from './describe-notification.ts';
import { buildOpen, type Negotiated } from './negotiate.ts';
import { parsePrefix } from './parse-prefix.ts';
import type { ResolvedPeerOptions } from './peer-options.ts';
import { countMessage, type PeerError, type PeerStatus, zeroCounters } from './peer-status.ts';
import { normalizeRoute, type Route } from './route.ts';
import type { SessionAction } from './session-action.ts';
import { type SessionEvent, type TimerName, timerEvent } from './session-event.ts';
import { initialModel, type MachineConfig, type SessionModel, transition } from './session-machine.ts';
import type { SessionState } from './session-state.ts';

export type PeerDependencies = {
  readonly localAsn: number;
  readonly routerId: number;
  readonly transport: BgpTransport;
  readonly clock: BgpClock;
  readonly random: () => number;
};

type ConnectionEntry = {
  readonly connection: BgpConnection;
  readonly framer: MessageFramer;
  session: SessionOptions;
};

export interface BgpPeerEvents {
  state: [state: SessionState, previous: SessionState];
  established: [negotiated: Negotiated];
  down: [reason: string];
}

export class BgpPeer extends EventEmitter<BgpPeerEvents> {
  readonly options: ResolvedPeerOptions;
  readonly #deps: PeerDependencies;
  readonly #machine: MachineConfig;
  #model: SessionModel = initialModel();
  readonly #connections = new Map<number, ConnectionEntry>();
  /**
   * Connections we closed whose far end has not closed yet. A peer closes its side once it has
   * read everything we sent, our NOTIFICATION included (RFC 4271 section 8.2.2: NotifMsg in
   * Established deletes the peer's routes and drops the TCP connection), so an empty set after
   * `stop()` means the peer has processed the withdrawals and the Cease.
   */
  readonly #closing = new Set<number>();
  #closedWaiters: (() => void)[] = [];
  readonly #timers = new Map<string, () => void>();
  readonly #rib = new AdjRibOut();
  readonly #counters = zeroCounters();
  #lastError: PeerError | undefined;
  #active: { readonly id: number; readonly negotiated: Negotiated; readonly ctx: PeerContext } | undefined;
  #endOfRib = { ipv4: false, ipv6: false };
  #heldBack = 0;
  #flushQueued = false;
  #queue: SessionEvent[] = [];
  #dispatching = false;
  #nextIncomingId = -1;

  constructor(options: ResolvedPeerOptions, deps: PeerDependencies) {
    super();
    this.options = options;
    this.#deps = deps;
    this.#machine = {
      localAsn: deps.localAsn,
      peerAsn: options.peerAsn,
      routerId: deps.routerId,
      open: buildOpen({
        localAsn: deps.localAsn,
        routerId: deps.routerId,
        holdTimeSeconds: options.holdTimeSeconds,
        ipv4: options.ipv4,
        ipv6: options.ipv6,
        ...(options.gracefulRestart === undefined
          ? {}
          : {
              gracefulRestart: {
                restartTimeSeconds: options.gracefulRestart.restartTimeSeconds,
                restarting: options.gracefulRestart.restarting ?? false,
              },
            }),
      }),
      ...(options.keepaliveSeconds === undefined ? {} : { keepaliveSeconds: options.keepaliveSeconds }),
      passive: options.passive,
      connectRetryMs: options.connectRetrySeconds * 1000,
      backoff: options.backoff,
      random: deps.random,
    };
  }

  get state(): SessionState {
    return this.#model.state;
  }

  get ibgp(): boolean {
    return this.options.peerAsn === this.#deps.localAsn;
  }

  status(): PeerStatus {
    return {
      peerAddress: this.options.peerAddress,
      state: this.#model.state,
      counters: { ...this.#counters },
      advertisedPrefixes: this.#rib.advertised,
      configuredRoutes: this.#rib.size,
      pendingChanges: this.#rib.pending,
      prefixesWithoutNextHop: this.#heldBack,
      negotiated: this.#active?.negotiated,
      localAddress:
        this.#active === undefined
          ? undefined
          : this.#connections.get(this.#active.id)?.connection.localAddress,
      lastError: this.#lastError,
      endOfRibReceived: { ...this.#endOfRib },
    };
  }

  start(): void {
    this.#dispatch({ type: 'manualStart' });
  }

  /**
   * Ends the session with Cease / Administrative Shutdown (and the RFC 9003 `message`), or with
   * `graceful` silently, so a peer that helps with graceful restart keeps our routes.
   */
  stop(options: { readonly message?: string; readonly graceful?: boolean } = {}): void {
    const text = Buffer.from(options.message ?? '', 'utf8').subarray(0, 255);
    const data = text.length === 0 ? undefined : Uint8Array.of(text.length, ...text);
    this.#dispatch({
      type: 'manualStop',
      ...(data === undefined ? {} : { data }),
      ...(options.graceful ? { silent: true } : {}),
    });
  }

  /**
   * Resolves once the far end of every connection this peer closed has closed too (or the
   * transport gave up on it): after `stop()`, the peer has read everything up to the NOTIFICATION.
   * Callers bound the wait: a router that never reads would keep it pending until the transport's
   * own limit.
   */
  whenClosed(): Promise<void> {
    if (this.#closing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  /** BFD declared the path dead: tear the session down now (Cease / BFD Down) and restart as after any failure. */
  bfdDown(): void {
    this.#dispatch({ type: 'bfdDown' });
  }

  /** Adds or replaces routes; throws ERR_BGP_INVALID_ROUTE (and changes nothing) on a bad one. */
  announce(...routes: readonly Route[]): void {
    const normalized = routes.map(normalizeRoute);
    for (const route of normalized) this.#rib.set(route);
    this.#queueFlush();
  }

  /** Removes routes by prefix; unknown prefixes are ignored. */
  withdraw(...prefixes: readonly string[]): void {
    const keys = prefixes.map((p) => parsePrefix(p).key);
    for (const key of keys) this.#rib.delete(key);
    this.#queueFlush();
  }

  /** Whether `prefix` is among the routes to announce. */
  hasRoute(prefix: string): boolean {
    return this.#rib.has(parsePrefix(prefix).key);
  }

  /** Hands over a connection the listener accepted from this peer's address. */
  accept(connection: BgpConnection): void {
    const id = this.#nextIncomingId--;
    this.#track(id, connection);
    this.#dispatch({ type: 'tcpConnectionConfirmed', connection: id, direction: 'incoming' });
  }

  /** Number of timers and connections still held (zero after stop: nothing leaks). */
  get resources(): { readonly timers: number; readonly connections: number } {
    return { timers: this.#timers.size, connections: this.#connections.size };
  }

  #dispatch(event: SessionEvent): void {
    this.#queue.push(event);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        const previous = this.#model.state;
        const { model, actions } = transition(this.#model, next, this.#machine);
        this.#model = model;
        for (const action of actions) this.#apply(action);
        if (model.state !== previous) this.emit('state', model.state, previous);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #apply(action: SessionAction): void {
    switch (action.type) {
      case 'connect':
        this.#connect(action.connection);
        return;
      case 'send':
        this.#send(action.connection, action.message);
        return;
      case 'close': {
        const entry = this.#connections.get(action.connection);
        if (entry === undefined) return;
        this.#connections.delete(action.connection);
        this.#closing.add(action.connection);
        entry.connection.close();
        return;
      }
      case 'startTimer':
        this.#startTimer(action.timer, action.connection, action.ms);
        return;
      case 'stopTimer':
        this.#stopTimer(action.timer, action.connection);
        return;
      case 'established':
        this.#onEstablished(action.connection, action.negotiated);
        return;
      case 'sessionDown':
        this.#active = undefined;
        this.#rib.forgetSent();
        this.emit('down', action.reason);
        return;
    }
  }

  #track(id: number, connection: BgpConnection): void {
    this.#connections.set(id, { connection, framer: new MessageFramer(), session: DEFAULT_SESSION });
    connection.attach({
      connected: () => {
        if (this.#connections.has(id))
          this.#dispatch({ type: 'tcpConnectionConfirmed', connection: id, direction: 'outgoing' });
      },
      data: (chunk) => this.#receive(id, chunk),
      closed: (error) => {
        if (this.#closing.delete(id)) {
          if (this.#closing.size === 0) for (const wake of this.#closedWaiters.splice(0)) wake();
          return;
        }
        if (!this.#connections.delete(id)) return;
        if (error !== undefined) this.#recordError('local', error.message);
        this.#dispatch({ type: 'tcpConnectionFails', connection: id });
      },
    });
  }

  #connect(id: number): void {
    this.#counters.connectAttempts++;
    const o = this.options;
    try {
      const connection = this.#deps.transport.connect({
        peerAddress: o.peerAddress,
        peerPort: o.peerPort,
        ttl: o.ttl,
        ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
        ...(o.password === undefined ? {} : { password: o.password }),
        ...(o.minTtl === undefined ? {} : { minTtl: o.minTtl }),
      });
      this.#track(id, connection);
    } catch (error) {
      this.#recordError('local', error instanceof Error ? error.message : String(error));
      queueMicrotask(() => this.#dispatch({ type: 'tcpConnectionFails', connection: id }));
    }
  }

  #send(id: number, message: BgpMessage): void {
    const entry = this.#connections.get(id);
    if (entry === undefined) return;
    const bytes = new Uint8Array(bgpMessageEncodedLength(message, entry.session));
    encodeBgpMessageInto(message, bytes, 0, entry.session);
    entry.connection.write(bytes);
    countMessage(this.#counters, message, 'sent');
    if (message.type === MessageType.notification)
      this.#recordError('sent', describeNotification(message), message);
  }

  #recordError(
    origin: PeerError['origin'],
    text: string,
    notification?: { code: number; subcode: number },
  ): void {
    this.#lastError = {
      at: Date.now(),
      origin,
      text,
      ...(notification === undefined
        ? {}
        : { notification: { code: notification.code, subcode: notification.subcode } }),
    };
  }

  #timerKey(timer: TimerName, connection: number | undefined): string {
    return connection === undefined ? timer : `${timer}:${connection}`;
  }

  #startTimer(timer: TimerName, connection: number | undefined, ms: number): void {
    const key = this.#timerKey(timer, connection);
    this.#timers.get(key)?.();
    this.#timers.set(
      key,
      this.#deps.clock.schedule(ms, () => {
        this.#timers.delete(key);
        this.#dispatch(timerEvent(timer, connection));
      }),
    );
  }

  #stopTimer(timer: TimerName, connection: number | undefined): void {
    const key = this.#timerKey(timer, connection);
    this.#timers.get(key)?.();
    this.#timers.delete(key);
  }

  #receive(id: number, chunk: Uint8Array): void {
    const entry = this.#connections.get(id);
    if (entry === undefined) return;
    try {
      entry.framer.push(chunk);
      for (let bytes = entry.framer.next(); bytes !== undefined; bytes = entry.framer.next()) {
        const message = decodeBgpMessage(bytes, 0, bytes.length, entry.session);
        countMessage(this.#counters, message, 'received');
        this.#handle(id, message);
        if (!this.#connections.has(id)) return;
      }
    } catch (error) {
      const notification =
        error instanceof BgpMessageError
          ? notificationFor(error)
          : // Not reachable from peer bytes (bgp-wire throws only BgpMessageError for them); be safe.
            ({
              type: MessageType.notification,
              code: NotificationCode.messageHeaderError,
              subcode: MessageHeaderErrorSubcode.badMessageLength,
              data: new Uint8Array(0),
            } as const);
      this.#dispatch({ type: 'messageError', connection: id, notification });
    }
  }

  #handle(id: number, message: BgpMessage): void {
    switch (message.type) {
      case MessageType.open:
        this.#dispatch({ type: 'openReceived', connection: id, open: message });
        return;
      case MessageType.keepalive:
        this.#dispatch({ type: 'keepaliveReceived', connection: id });
        return;
      case MessageType.notification:
        this.#recordError('received', describeNotification(message), message);
        this.#dispatch({ type: 'notificationReceived', connection: id, notification: message });
        return;
      case MessageType.update:
        this.#dispatch({ type: 'updateReceived', connection: id });
        if (this.#active?.id === id) this.#onUpdate(message);
        return;
      case MessageType.routeRefresh:
        this.#dispatch({ type: 'routeRefreshReceived', connection: id });
        if (this.#active?.id === id) this.#onRouteRefresh(message.afi, message.safi);
        return;
    }
  }

  /** RFC 7606 outcomes are counted; the routes themselves are dropped (a speaker imports nothing). */
  #onUpdate(update: UpdateMessage): void {
    const c = this.#counters;
    if (update.action === ErrorAction.treatAsWithdraw) c.updatesTreatedAsWithdraw++;
    else if (update.action === ErrorAction.attributeDiscard) c.updatesWithDiscardedAttributes++;
    let prefixes = update.nlri.length;
    for (const attribute of update.attributes)
      if (attribute.kind === 'mpReachNlri') prefixes += attribute.nlri.length;
    c.prefixesReceived += prefixes;
    const eor = endOfRibFamily(update);
    if (eor?.safi === Safi.unicast && eor.afi === Afi.ipv4) this.#endOfRib.ipv4 = true;
    if (eor?.safi === Safi.unicast && eor.afi === Afi.ipv6) this.#endOfRib.ipv6 = true;
  }

  /** RFC 2918 section 4: answer with the whole Adj-RIB-Out of that family. */
  #onRouteRefresh(afi: number, safi: number): void {
    if (safi !== Safi.unicast || (afi !== Afi.ipv4 && afi !== Afi.ipv6)) return;
    this.#rib.forgetSent(afi === Afi.ipv4 ? 4 : 6);
    this.#flush();
  }

  #onEstablished(id: number, negotiated: Negotiated): void {
    const entry = this.#connections.get(id);
    if (entry === undefined) return;
    entry.session = {
      fourOctetAs: negotiated.fourOctetAs,
      maxMessageLength: DEFAULT_SESSION.maxMessageLength,
    };
    const ctx = peerContext(this.options, entry.connection.localAddress, {
      ibgp: this.ibgp,
      localAsn: this.#deps.localAsn,
      session: entry.session,
    });
    this.#active = { id, negotiated, ctx };
    this.#endOfRib = { ipv4: false, ipv6: false };
    this.#counters.establishedTransitions++;
    this.#rib.forgetSent();
    this.#flush();
    // RFC 4724 section 2: End-of-RIB after the initial update, per family.
    if (negotiated.ipv4Unicast) this.#send(id, buildEndOfRib({ afi: Afi.ipv4, safi: Safi.unicast }));
    if (negotiated.ipv6Unicast) this.#send(id, buildEndOfRib({ afi: Afi.ipv6, safi: Safi.unicast }));
    this.emit('established', negotiated);
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush();
    });
  }

  #flush(): void {
    const active = this.#active;
    if (active === undefined) return;
    const take = this.#rib.takeUpdates(active.ctx, {
      ipv4: active.negotiated.ipv4Unicast,
      ipv6: active.negotiated.ipv6Unicast,
    });
    for (const update of take.updates) this.#send(active.id, update);
    if (take.updates.length > 0) this.#dispatch({ type: 'updatesSent', connection: active.id });
    this.#counters.prefixesAnnounced += take.announced;
    this.#counters.prefixesWithdrawn += take.withdrawn;
    this.#heldBack = take.heldBack;
  }
}
