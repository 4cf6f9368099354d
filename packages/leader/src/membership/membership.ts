import { LeaderError, LeaderErrorCode } from '../leader-error.ts';
import { Awareness } from './awareness.ts';
import { BroadcastQueue } from './broadcast-queue.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import { Keyring } from './keyring.ts';
import type { MemberEvent, MembershipSnapshot } from './member.ts';
import type { MemberContext } from './member-context.ts';
import { MemberView } from './member-view.ts';
import { type MembershipConfig, resolveMembershipConfig, retransmitLimit } from './membership-config.ts';
import { type DropReason, dropReasons, type MembershipStats } from './membership-stats.ts';
import { decodeMessages, encodeMessageInto, type Message, maxFieldBytes } from './message.ts';
import type { MembershipOffload } from './offload.ts';
import { type OpenedPacket, openPacket, packetOverhead, sealPacket } from './packet.ts';
import { Prober } from './prober.ts';
import { ReplayGuard } from './replay-guard.ts';
import { StateExchange } from './state-exchange.ts';
import { MemberStateRules } from './state-rules.ts';
import type { Transport } from './transport.ts';

export type MembershipOptions = {
  /** This member's unique name (the Kubernetes node name), 1..255 UTF-8 bytes. */
  readonly name: string;
  /** Owned from now on: closed by stop() and leave(). Exactly one of transport and offload. */
  readonly transport?: Transport;
  /**
   * Instead of a transport: one that also carries the steady state (answers pings, runs direct
   * probes) while nothing else is going on, so an idle member is not woken for it. Owned likewise.
   */
  readonly offload?: MembershipOffload;
  /** Shared secrets (>= 16 bytes each); packets are sent with the first and accepted with any. */
  readonly secrets: readonly (string | Uint8Array)[];
  /** Transport addresses to join through; unreachable or own addresses are harmless. */
  readonly seeds?: readonly string[];
  /** Address others should use for this member; defaults to transport.localAddress. */
  readonly advertiseAddress?: string;
  readonly config?: Partial<MembershipConfig>;
  readonly clock?: Clock;
  /** Source of randomness for probe order and peer choice; inject a seeded one for reproducible tests. */
  readonly random?: () => number;
};

export type MemberListener = (event: MemberEvent) => void;

/**
 * With an offload, the event loop proves it is alive this often, and the offload stops answering
 * on its own after this long without it (then pings reach the stalled loop and go unanswered, and
 * the others suspect this member, as they would without an offload). Two wake-ups a second against
 * the twenty to eighty that probing costs otherwise.
 */
const offloadFeedIntervalMs = 500;
const offloadWatchdogMs = 1_500;

/**
 * SWIM failure detection and membership (Das, Gupta, Motivala, 2002) with the Lifeguard refinements
 * (local health, suspicion timeouts that shrink with independent confirmations, nacks from indirect
 * probes), every packet encrypted and authenticated with AES-256-GCM.
 *
 * Every member probes one peer per interval ({@link Prober}); a peer that misses the direct and the
 * indirect probes becomes suspect; a suspect that does not refute (by raising its incarnation) within
 * the suspicion timeout is declared dead ({@link MemberStateRules}). Updates travel piggy-backed on
 * probe traffic and in gossip rounds, each a bounded number of times; full-state exchanges and
 * reconnect attempts toward dead members heal partitions ({@link StateExchange}).
 */
export class Membership {
  readonly name: string;
  readonly config: MembershipConfig;
  readonly #transport: Transport | undefined;
  readonly #offload: MembershipOffload | undefined;
  #keyring: Keyring;
  readonly #clock: Clock;
  readonly #view: MemberView;
  readonly #queue = new BroadcastQueue();
  readonly #awareness: Awareness;
  readonly #replay: ReplayGuard;
  readonly #timers = new Set<TimerHandle>();
  readonly #listeners = new Set<MemberListener>();
  readonly #scratch: Buffer;
  readonly #stats = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, listenerErrors: 0 };
  readonly #dropped = Object.fromEntries(dropReasons.map((r) => [r, 0])) as Record<DropReason, number>;
  readonly #ctx: MemberContext;
  readonly #prober: Prober;
  readonly #rules: MemberStateRules;
  readonly #exchange: StateExchange;
  #state: 'new' | 'running' | 'leaving' | 'stopped' = 'new';
  #epoch = 0;
  #counter = 0;
  #gossipTimer: TimerHandle | undefined;
  /** What the offload was last told: quiet or not, and at which view version the alive list was. */
  #quiet = false;
  #quietViewVersion = -1;

  constructor(opts: MembershipOptions) {
    this.config = resolveMembershipConfig(opts.config);
    this.name = opts.name;
    if ((opts.transport === undefined) === (opts.offload === undefined)) {
      throw new LeaderError(
        LeaderErrorCode.invalidConfig,
        'membership needs exactly one of transport and offload',
        {
          field: 'transport',
        },
      );
    }
    this.#transport = opts.transport;
    const offload = opts.offload;
    this.#offload = offload;
    const link = opts.transport ?? offload!;
    const address = opts.advertiseAddress ?? link.localAddress;
    for (const [field, value] of [
      ['name', this.name],
      ['advertiseAddress', address],
    ] as const) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes === 0 || bytes > maxFieldBytes) {
        throw new LeaderError(
          LeaderErrorCode.invalidConfig,
          `membership ${field} "${value}" must be 1..255 bytes`,
          {
            field,
            value,
          },
        );
      }
    }
    this.#keyring = this.#newKeyring(opts.secrets);
    this.#replay = new ReplayGuard(offload === undefined ? undefined : (sender) => offload.forget(sender));
    this.#clock = opts.clock ?? systemClock;
    const random = opts.random ?? Math.random;
    this.#view = new MemberView(this.name, random);
    this.#awareness = new Awareness(this.config.awarenessMax);
    this.#scratch = Buffer.alloc(this.config.maxPacketBytes);
    const self = this;
    this.#ctx = {
      name: this.name,
      address,
      config: this.config,
      clock: this.#clock,
      random,
      view: this.#view,
      queue: this.#queue,
      awareness: this.#awareness,
      get running() {
        return self.#state === 'running';
      },
      offload,
      get quiet() {
        return self.#quiet;
      },
      send: (to, messages, piggyback) => this.#send(to, messages, piggyback),
      after: (delayMs, fn) => this.#after(delayMs, fn),
      cancel: (handle) => this.#cancel(handle),
      kickGossip: () => this.#kickGossip(),
      emit: (e, type, reason, by, previous) => {
        const member = {
          name: e.name,
          address: e.address,
          state: e.state,
          incarnation: e.incarnation,
          sinceMs: e.sinceMs,
        };
        this.#emit({
          type,
          member,
          reason,
          ...(by === undefined ? {} : { by }),
          ...(previous === undefined ? {} : { previous }),
        });
      },
    };
    this.#prober = new Prober(this.#ctx, (name, incarnation) =>
      this.#rules.suspect(name, incarnation, this.name),
    );
    this.#rules = new MemberStateRules(this.#ctx, this.#replay, (e) => this.#prober.confirm(e));
    const localAddress = link.localAddress;
    this.#exchange = new StateExchange(
      this.#ctx,
      (opts.seeds ?? []).filter((s) => s !== localAddress),
    );
  }

  /** Start probing and join through the seeds. Returns at once; joining completes in the background. */
  start(): void {
    if (this.#state !== 'new') {
      throw new LeaderError(LeaderErrorCode.notRunning, `membership "${this.name}" was already started`, {
        name: this.name,
      });
    }
    this.#state = 'running';
    // Epoch grows across restarts (wall clock) so receivers can refuse replays of an earlier life.
    this.#epoch = Math.floor(this.#clock.wallNow()) * 1024 + Math.floor(this.#ctx.random() * 1024);
    const now = this.#clock.now();
    this.#view.add({
      name: this.name,
      address: this.#ctx.address,
      state: 'alive',
      incarnation: 0,
      sinceMs: now,
    });
    const offload = this.#offload;
    if (offload === undefined) {
      this.#transport!.onPacket((packet, from) => this.#receive(packet, from));
    } else {
      offload.configure(this.name, this.#epoch, this.config.maxPacketBytes, offloadWatchdogMs);
      this.#installSendKey();
      const feed = () => {
        offload.feed();
        this.#after(offloadFeedIntervalMs, feed);
      };
      feed();
      offload.onPacket((p) => this.#receive(p.kind === 'sealed' ? p.packet : p, p.from));
      offload.onMissed((seq, target) => {
        this.#prober.takeOverMissed(seq, target);
        this.#updateQuiet();
      });
    }
    this.#prober.start();
    this.#exchange.start();
    this.#updateQuiet();
  }

  /**
   * Leave gracefully: tell every member at once (and by gossip), keep answering for leaveFlushMs,
   * then stop. Others mark this member `left`, not dead.
   */
  async leave(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'leaving';
    this.#updateQuiet();
    const left = this.#rules.leave();
    for (const e of this.#view.reachable()) this.#send(e.address, [left], true);
    this.#kickGossip();
    await new Promise<void>((resolve) => this.#clock.setTimer(resolve, this.config.leaveFlushMs));
    await this.stop();
  }

  /** Stop at once without telling anyone (others will detect a failure); closes the transport. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    for (const t of this.#timers) this.#clock.clearTimer(t);
    this.#timers.clear();
    this.#rules.clearAll();
    this.#prober.stop();
    this.#queue.clear();
    await (this.#transport ?? this.#offload)!.close();
  }

  /**
   * Replace the shared secrets while running (a key rotation; see the README for the three steps).
   * Sends use the first secret from now on; packets under any listed secret are accepted.
   */
  setSecrets(secrets: readonly (string | Uint8Array)[]): void {
    this.#keyring = this.#newKeyring(secrets);
    if (this.#state === 'running' || this.#state === 'leaving') this.#installSendKey();
  }

  /**
   * Tell every reachable member directly that this member is alive, at its current incarnation,
   * and resolve once each has acknowledged or `timeoutMs` passed (default: the probe timeout);
   * resolves with the names that acknowledged. A member acks only after it has applied the `alive` (messages are handled
   * in order), so each of them now counts this member alive. For a node that just (re)joined and
   * is about to act on the view, e.g. to announce addresses others held while it was away.
   */
  confirmAlive(timeoutMs = this.config.probeTimeoutMs): Promise<string[]> {
    if (this.#state !== 'running') return Promise.resolve([]);
    const self = this.#view.get(this.name)!;
    const alive: Message = {
      type: 'alive',
      incarnation: self.incarnation,
      name: this.name,
      address: this.#ctx.address,
    };
    const peers = this.#view.reachable();
    return Promise.all(
      peers.map(
        (e) =>
          new Promise<string | undefined>((resolve) =>
            this.#prober.announce(e, alive, timeoutMs, (acked) => resolve(acked ? e.name : undefined)),
          ),
      ),
    ).then((names) => names.filter((n): n is string => n !== undefined));
  }

  /** Listen to member state changes; returns a function that unsubscribes. */
  subscribe(listener: MemberListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A consistent, immutable copy of the whole view. */
  snapshot(): MembershipSnapshot {
    return this.#view.snapshot();
  }

  /**
   * Names of members that count for election: alive or suspect (a suspect may still refute; moving
   * IPs on every suspicion would flap), including this one while running. Sorted.
   */
  liveMembers(): string[] {
    return this.#view
      .snapshot()
      .members.filter((m) => m.state === 'alive' || m.state === 'suspect')
      .map((m) => m.name);
  }

  stats(): MembershipStats {
    const dropped = { ...this.#dropped };
    const offloaded = this.#offload?.stats();
    if (offloaded === undefined) return { ...this.#stats, dropped, awareness: this.#awareness.score };
    // The offload sees every datagram both ways; it refuses replays before they reach us.
    dropped.replayed += offloaded.replayed;
    return {
      packetsSent: offloaded.packetsSent,
      bytesSent: offloaded.bytesSent,
      packetsReceived: offloaded.packetsReceived,
      bytesReceived: offloaded.bytesReceived,
      listenerErrors: this.#stats.listenerErrors,
      dropped,
      awareness: this.#awareness.score,
      offloaded,
    };
  }

  /** One datagram: sealed as it arrived, or opened by the offload. */
  #receive(packet: Buffer | OpenedPacket, from: string): void {
    this.#stats.packetsReceived++;
    this.#stats.bytesReceived += Buffer.isBuffer(packet) ? packet.length : packet.payload.length;
    let outcome: DropReason | undefined;
    try {
      outcome = this.#process(packet, from);
    } catch {
      // Unreachable by design (decoders return outcomes); kept so nothing can escape into the socket.
      outcome = 'malformed';
    }
    if (outcome !== undefined) this.#dropped[outcome]++;
    this.#updateQuiet();
  }

  /** Handle one datagram; returns why it was dropped, or undefined when it was used. */
  #process(packet: Buffer | OpenedPacket, from: string): DropReason | undefined {
    if (this.#state !== 'running' && this.#state !== 'leaving') return 'notRunning';
    const opened = Buffer.isBuffer(packet)
      ? openPacket(this.#keyring, packet, this.config.maxPacketBytes)
      : packet;
    if (typeof opened === 'string') return opened;
    if (opened.sender === this.name) return 'fromSelf';
    let messages: Message[];
    try {
      messages = decodeMessages(opened.payload);
    } catch {
      return 'malformed';
    }
    if (!this.#replay.accept(opened.sender, opened.epoch, opened.counter)) return 'replayed';
    // A member we declared dead is talking to us (healed partition, restart): exchange views.
    // Unknown senders introduce themselves with `alive`; left members rejoin through seeds.
    let stateSent =
      this.#view.get(opened.sender)?.state === 'dead' && this.#exchange.contactFromDead(opened.sender, from);
    for (const m of messages) {
      if (m.type === 'syncReq') {
        if (!stateSent) this.#exchange.sendState(from, false);
        stateSent = true;
      } else if (m.type === 'ping' && m.target !== this.name) {
        this.#dropped.misdirected++;
      } else {
        this.#handle(m, opened.sender, from);
      }
    }
    return undefined;
  }

  #handle(m: Exclude<Message, { type: 'syncReq' }>, sender: string, from: string): void {
    const rules = this.#rules;
    switch (m.type) {
      case 'ping':
        this.#send(from, [{ type: 'ack', seq: m.seq }], true);
        break;
      case 'ack':
        this.#prober.onAck(m.seq);
        break;
      case 'nack':
        this.#prober.onNack(m.seq);
        break;
      case 'pingReq':
        this.#prober.relay(m.seq, m.target, m.address, from);
        break;
      case 'alive':
        rules.alive(m.name, m.incarnation, m.address);
        break;
      case 'suspect':
        rules.suspect(m.name, m.incarnation, m.from, from);
        break;
      case 'dead':
        rules.dead(m.name, m.incarnation, m.from, from);
        break;
      case 'left':
        rules.left(m.name, m.incarnation, from);
        break;
      case 'state':
        // memberlist's rule: a remote "dead" only makes us suspect, so a stale view cannot kill.
        if (m.state === 'alive') rules.alive(m.name, m.incarnation, m.address);
        else if (m.state === 'left') rules.left(m.name, m.incarnation, from);
        else if (this.#view.get(m.name) !== undefined || m.name === this.name) {
          rules.suspect(m.name, m.incarnation, sender, from);
        }
        break;
    }
  }

  #kickGossip(): void {
    if (this.#gossipTimer !== undefined || this.#state === 'stopped' || this.#state === 'new') return;
    // First round right away (a death should spread now), then every gossipIntervalMs while pending.
    const round = (delayMs: number) => {
      this.#gossipTimer = this.#after(delayMs, () => {
        this.#gossipTimer = undefined;
        for (const e of this.#view.pick(this.#view.reachable(), this.config.gossipFanout)) {
          this.#send(e.address, [], true);
        }
        if (this.#queue.size > 0) round(this.config.gossipIntervalMs);
      });
    };
    round(0);
  }

  /** One authenticated packet: `messages`, then as many queued updates as fit when `piggyback`. */
  #send(address: string, messages: readonly Message[], piggyback: boolean): void {
    if (this.#state === 'stopped' || this.#state === 'new') return;
    const budget = this.config.maxPacketBytes - packetOverhead(this.name);
    const buf = this.#scratch;
    let o = 0;
    for (const m of messages) o = encodeMessageInto(m, buf, o);
    if (piggyback) {
      for (const u of this.#queue.take(budget - o, retransmitLimit(this.config, this.#view.liveCount))) {
        o = encodeMessageInto(u, buf, o);
      }
    }
    if (o === 0) return;
    if (this.#offload !== undefined) {
      // It seals: one counter for what it sends on its own and what we send.
      this.#offload.send(address, buf.subarray(0, o));
      return;
    }
    if (this.#counter > 0xffff_ffff) {
      // Counter exhausted (years of traffic): a new epoch keeps nonces unique.
      this.#epoch++;
      this.#counter = 0;
    }
    const packet = sealPacket(this.#keyring, this.name, this.#epoch, this.#counter++, buf.subarray(0, o));
    this.#stats.packetsSent++;
    this.#stats.bytesSent += packet.length;
    this.#transport!.send(address, packet);
  }

  #emit(event: MemberEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        this.#stats.listenerErrors++;
      }
    }
  }

  #after(delayMs: number, fn: () => void): TimerHandle {
    const handle = this.#clock.setTimer(() => {
      this.#timers.delete(handle);
      fn();
      this.#updateQuiet();
    }, delayMs);
    this.#timers.add(handle);
    return handle;
  }

  #newKeyring(secrets: readonly (string | Uint8Array)[]): Keyring {
    const offload = this.#offload;
    return new Keyring(
      secrets,
      offload && ((keyId, sender, subkey) => offload.addReceiveKey(keyId, sender, subkey.export())),
    );
  }

  /** The offload seals with our subkey of the first secret, and opens with what we learn anew. */
  #installSendKey(): void {
    const offload = this.#offload;
    if (offload === undefined) return;
    offload.clearReceiveKeys();
    const keyId = this.#keyring.sendKeyId;
    offload.setSendKey(keyId, this.#keyring.senderKey(keyId, this.name)!.export());
  }

  /**
   * Quiet: running, nothing queued to piggy-back, perfect local health, no suspect. Only then may
   * the offload answer pings and probe on its own (what it sends carries nothing else). Run after
   * everything that can change one of those: each packet, each timer, leave.
   */
  #updateQuiet(): void {
    const offload = this.#offload;
    if (offload === undefined || this.#state === 'stopped') return;
    const view = this.#view;
    let quiet = this.#state === 'running' && this.#queue.size === 0 && this.#awareness.score === 0;
    if (quiet) {
      for (const e of view.entries()) {
        if (e.state === 'suspect') {
          quiet = false;
          break;
        }
      }
    }
    if (quiet === this.#quiet && (!quiet || view.version === this.#quietViewVersion)) return;
    this.#quiet = quiet;
    this.#quietViewVersion = view.version;
    offload.setQuiet(quiet, quiet ? view.reachable().map((e) => e.name) : []);
    // Not quiet, or the view changed under the offload's list of targets: probe from here again
    // (the next tick hands over a fresh list if still quiet).
    this.#prober.takeBack();
  }

  #cancel(handle: TimerHandle): void {
    this.#clock.clearTimer(handle);
    this.#timers.delete(handle);
  }
}
