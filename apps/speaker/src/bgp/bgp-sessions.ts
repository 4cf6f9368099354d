/**
 * Reconciles the plan of desiredRoutes onto live BGP sessions (@baremetal-lb/bgp) and their BFD
 * sessions (@baremetal-lb/bfd): a new peer is opened, a removed one closed (Cease), a changed
 * one closed and reopened, an unchanged one left alone; routes go out as differences only (the
 * session's Adj-RIB-Out batches them into UPDATEs). BFD Down tears the BGP session down at once;
 * it reconnects with its usual backoff. `shutdown` withdraws everything before closing, or leaves
 * the routes with the peers where graceful restart was negotiated.
 */
import {
  type BgpClock,
  type BgpPeer,
  BgpSpeaker,
  type BgpTransport,
  SessionState,
  systemClock,
} from '@baremetal-lb/bgp';
import type { Logger } from 'pino';
import { errorText } from '../observe/error-text.ts';
import { type BfdControl, BfdSessions } from './bfd-sessions.ts';
import type { BgpMetrics } from './bgp-metrics.ts';
import type { DesiredRoute, DesiredRoutes } from './desired-routes.ts';
import { type PeerSessionOptions, peerSessionOptions } from './peer-session-options.ts';
import { routeChanges } from './route-changes.ts';

export type { BfdControl };

export type BgpSessionsDeps = {
  readonly nodeName: string;
  /** This node's InternalIPs (router ID and next-hop fallbacks). */
  readonly nodeAddresses: () => readonly string[];
  readonly transport: BgpTransport;
  /** Starts the BFD worker the first time a peer names a BFDProfile. */
  readonly startBfd: () => Promise<BfdControl>;
  readonly log: Logger;
  readonly metrics?: BgpMetrics;
  readonly clock?: BgpClock;
  /** A new problem with a peer on this node (not run, or not established): for an event on it. */
  readonly onProblem?: (peer: string, message: string) => void;
};

type Session = {
  readonly name: string;
  readonly settings: PeerSessionOptions;
  readonly speaker: BgpSpeaker;
  readonly peer: BgpPeer;
  /** prefix → JSON of the route last handed to the session. */
  routes: ReadonlyMap<string, string>;
  bfd: boolean;
  /** The failure last logged at warn, and the connect attempts and error seen then. */
  failure: string | undefined;
  attemptsSeen: number;
  errorSeenAt: number;
};

/**
 * How often sessions that are not up are looked at, ms: a failed attempt is not always a state
 * change (a connect that times out in Connect stays in Connect), so failures are found by polling.
 */
const failureCheckMs = 5_000;

/** How long shutdown waits for the withdrawals to leave (one flush: a microtask), ms. */
const withdrawTimeoutMs = 2_000;

/**
 * How long shutdown waits for the routers to close their connections after our Cease, ms: a
 * router reads it within milliseconds unless it is stalled; 2 s keeps the whole shutdown well inside
 * deploy/'s 5 s termination grace period (layer 2's hand-over runs in parallel).
 */
const peerCloseTimeoutMs = 2_000;

export class BgpSessions {
  readonly #d: BgpSessionsDeps;
  readonly #sessions = new Map<string, Session>();
  readonly #speakers = new Map<string, BgpSpeaker>();
  /** Peer name → why it is not run (unsupported feature, bad option); logged once per text. */
  readonly #problems = new Map<string, string>();
  readonly #bfd: BfdSessions;
  #failureTimer: NodeJS.Timeout | undefined;

  constructor(deps: BgpSessionsDeps) {
    this.#d = deps;
    this.#bfd = new BfdSessions({
      start: deps.startBfd,
      log: deps.log,
      ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
      onChange: (address, up, wasUp) => this.#bfdChanged(address, up, wasUp),
    });
  }

  /** Sessions by peer name, for metrics and status. */
  get sessions(): ReadonlyMap<string, { readonly peer: BgpPeer; readonly settings: PeerSessionOptions }> {
    return this.#sessions;
  }

  /** Peers configured for this node that cannot be run, with the reason. */
  get problems(): ReadonlyMap<string, string> {
    return this.#problems;
  }

  apply(plan: DesiredRoutes): void {
    const wanted = new Map<string, { settings: PeerSessionOptions; routes: readonly DesiredRoute[] }>();
    const problems = new Map<string, string>();
    for (const w of plan.withheld) problems.set(w.peer, w.reason);
    for (const { peer, routes } of plan.peers) {
      const settings = peerSessionOptions(peer, this.#d.nodeName, this.#d.nodeAddresses());
      if ('unsupported' in settings) problems.set(peer.name, settings.unsupported);
      else wanted.set(peer.name, { settings, routes });
    }
    for (const [name, session] of this.#sessions) {
      const next = wanted.get(name);
      if (next !== undefined && next.settings.fingerprint === session.settings.fingerprint) continue;
      this.#close(session, next === undefined ? 'peer removed' : 'peer changed');
    }
    for (const [name, { settings, routes }] of wanted) {
      let session = this.#sessions.get(name);
      if (session === undefined) {
        try {
          session = this.#open(name, settings);
        } catch (error) {
          problems.set(name, errorText(error));
          continue;
        }
      }
      this.#applyRoutes(session, routes);
    }
    for (const [name, text] of problems) {
      if (this.#problems.get(name) === text) continue;
      this.#d.log.warn({ peer: name, reason: text, event: 'bgpPeerNotRun' }, 'BGP peer not run on this node');
      this.#d.onProblem?.(name, `not run on this node: ${text}`);
    }
    this.#problems.clear();
    for (const [name, text] of problems) this.#problems.set(name, text);
  }

  /**
   * SIGTERM: withdraws every route, then closes each session with Cease and waits (at most 2 s)
   * until each router has closed the connection in turn: a router drops the connection once it
   * has read our NOTIFICATION, after the withdrawals before it (RFC 4271 section 8.2.2), so by
   * then it has processed them, and the process may exit. Waiting only until the withdrawals were
   * sent left the router reading them after the speaker was gone. A session that negotiated
   * graceful restart is instead closed silently with its routes left in place: the router keeps
   * forwarding to this node until it comes back or the restart time ends (RFC 4724 section 4.2).
   */
  async shutdown(): Promise<void> {
    clearInterval(this.#failureTimer);
    const withdrawing: Session[] = [];
    for (const s of this.#sessions.values()) {
      if (this.#keepsRoutes(s)) continue;
      s.peer.withdraw(...s.routes.keys());
      s.routes = new Map();
      withdrawing.push(s);
    }
    // The UPDATEs leave on the session's next flush (a microtask): before the NOTIFICATION.
    const deadline = Date.now() + withdrawTimeoutMs;
    while (withdrawing.some((s) => !this.#withdrawn(s)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const sessions = [...this.#sessions.values()];
    for (const s of sessions) {
      const graceful = this.#keepsRoutes(s);
      this.#d.log.info(
        { peer: s.name, event: graceful ? 'gracefulRestart' : 'withdrawAll' },
        graceful
          ? 'leaving the routes with the peer (graceful restart)'
          : 'routes withdrawn, closing the session',
      );
    }
    // Graceful ones first: closing a speaker ends its remaining sessions with Cease.
    for (const s of sessions) if (this.#keepsRoutes(s)) s.peer.stop({ graceful: true });
    for (const speaker of this.#speakers.values()) speaker.close({ message: 'speaker shutting down' });
    this.#sessions.clear();
    this.#speakers.clear();
    await Promise.all([this.#waitForPeersToClose(sessions), this.#bfd.close()]);
  }

  /** Waits until each router has closed its side, at most `peerCloseTimeoutMs`; logs the outcome. */
  async #waitForPeersToClose(sessions: readonly Session[]): Promise<void> {
    const open = new Set(sessions.map((s) => s.name));
    const clock = this.#d.clock ?? systemClock;
    let cancel = () => {};
    const timedOut = new Promise<void>((resolve) => {
      cancel = clock.schedule(peerCloseTimeoutMs, resolve);
    });
    const closed = Promise.all(sessions.map((s) => s.peer.whenClosed().then(() => open.delete(s.name))));
    await Promise.race([closed, timedOut]);
    cancel();
    if (open.size > 0) {
      this.#d.log.info(
        { peers: [...open], waitedMs: peerCloseTimeoutMs },
        'routers did not close their connections in time; exiting anyway',
      );
    } else if (sessions.length > 0) {
      this.#d.log.info({ peers: sessions.map((s) => s.name) }, 'routers closed their connections');
    }
  }

  /**
   * Sessions that tried again since the last look and are still not up: each new reason once at
   * warn (a wrong MD5 password shows as connect timeouts: the router's kernel drops our signed
   * SYNs without a word), repeats at debug.
   */
  #logFailures(): void {
    for (const s of this.#sessions.values()) {
      const status = s.peer.status();
      if (status.state === SessionState.established || status.counters.connectAttempts <= s.attemptsSeen)
        continue;
      s.attemptsSeen = status.counters.connectAttempts;
      const error = status.lastError;
      const fresh = error !== undefined && error.at !== s.errorSeenAt;
      if (fresh) s.errorSeenAt = error.at;
      const reason = fresh
        ? error.text
        : 'no session yet (peer unreachable, or an MD5 password mismatch: the peer drops our connection attempts)';
      const level = reason === s.failure ? 'debug' : 'warn';
      if (level === 'warn')
        this.#d.onProblem?.(s.name, `session to ${status.peerAddress} not established: ${reason}`);
      s.failure = reason;
      this.#d.log[level](
        {
          peer: s.name,
          address: status.peerAddress,
          reason,
          attempts: status.counters.connectAttempts,
          event: 'sessionFailed',
        },
        'BGP session not established',
      );
    }
  }

  #keepsRoutes(s: Session): boolean {
    return (
      s.settings.options.gracefulRestart !== undefined &&
      s.peer.state === SessionState.established &&
      s.peer.status().negotiated?.peerGracefulRestart !== undefined
    );
  }

  #withdrawn(s: Session): boolean {
    const status = s.peer.status();
    return (
      status.state !== SessionState.established ||
      (status.pendingChanges === 0 && status.advertisedPrefixes === 0)
    );
  }

  #open(name: string, settings: PeerSessionOptions): Session {
    const key = `${settings.myAsn}/${settings.routerId}`;
    let speaker = this.#speakers.get(key);
    if (speaker === undefined) {
      speaker = new BgpSpeaker({
        localAsn: settings.myAsn,
        routerId: settings.routerId,
        transport: this.#d.transport,
        ...(this.#d.clock === undefined ? {} : { clock: this.#d.clock }),
      });
      this.#speakers.set(key, speaker);
    }
    const peer = speaker.addPeer(settings.options);
    const session: Session = {
      name,
      settings,
      speaker,
      peer,
      routes: new Map(),
      bfd: false,
      failure: undefined,
      attemptsSeen: 0,
      errorSeenAt: 0,
    };
    this.#failureTimer ??= setInterval(() => this.#logFailures(), failureCheckMs).unref();
    const address = settings.options.peerAddress;
    peer.on('state', (state, previous) => {
      if (state === SessionState.established) session.failure = undefined;
      if (state === SessionState.established || previous === SessionState.established) {
        const up = state === SessionState.established;
        const error = peer.status().lastError;
        this.#d.log.info(
          {
            peer: name,
            address,
            event: up ? 'sessionUp' : 'sessionDown',
            ...(up || error === undefined ? {} : { reason: error.text }),
          },
          up ? 'BGP session established' : 'BGP session down',
        );
      }
    });
    this.#sessions.set(name, session);
    peer.start();
    this.#d.log.info({ peer: name, address, asn: settings.options.peerAsn }, 'BGP session opened');
    if (settings.bfd !== undefined) {
      session.bfd = true;
      this.#bfd.add({
        peer: name,
        peerAddress: address,
        localAddress: settings.options.localAddress,
        multihop: settings.options.ttl === 255,
        profile: settings.bfd,
      });
    }
    return session;
  }

  #close(session: Session, why: string): void {
    const address = session.settings.options.peerAddress;
    this.#d.metrics?.flush(sample(session));
    session.speaker.removePeer(address);
    this.#sessions.delete(session.name);
    if (session.speaker.peers.length === 0) {
      session.speaker.close();
      this.#speakers.delete(`${session.settings.myAsn}/${session.settings.routerId}`);
    }
    if (session.bfd) this.#bfd.remove(address, session.settings.options.ttl === 255);
    this.#d.log.info({ peer: session.name, address, reason: why }, 'BGP session closed');
  }

  #applyRoutes(session: Session, routes: readonly DesiredRoute[]): void {
    const { announce, withdraw, sent } = routeChanges(session.routes, routes, session.peer.options);
    session.routes = sent;
    if (announce.length > 0) session.peer.announce(...announce);
    if (withdraw.length > 0) session.peer.withdraw(...withdraw);
    if (announce.length > 0 || withdraw.length > 0) {
      const prefixes = announce.map((r) => r.prefix);
      this.#d.log.info(
        { peer: session.name, announce: prefixes, withdraw, event: 'routes' },
        'BGP routes changed',
      );
    }
  }

  #bfdChanged(peerAddress: string, up: boolean, wasUp: boolean): void {
    const session = [...this.#sessions.values()].find(
      (s) => s.bfd && s.settings.options.peerAddress === peerAddress,
    );
    if (session === undefined) return;
    this.#d.log.info(
      { peer: session.name, address: peerAddress, event: up ? 'bfdUp' : 'bfdDown' },
      up ? 'BFD session up' : 'BFD session down',
    );
    // RFC 5882 section 4.3: a BFD session that was Up going Down tears the BGP session down.
    if (wasUp && !up) session.peer.bfdDown();
  }

  /** Samples for BgpMetrics. */
  samples(): ReturnType<typeof sample>[] {
    return [...this.#sessions.values()].map(sample);
  }
}

function sample(s: Session) {
  const status = s.peer.status();
  const { peerAddress, peerPort } = s.settings.options;
  return {
    key: s.peer as object,
    peer: `${peerAddress.includes(':') ? `[${peerAddress}]` : peerAddress}:${peerPort ?? 179}`,
    up: status.state === SessionState.established,
    announced: status.advertisedPrefixes,
    pending: status.pendingChanges,
    counters: status.counters,
  };
}
