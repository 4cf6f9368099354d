import { LeaderError, LeaderErrorCode } from '../leader-error.ts';
import { Awareness } from './awareness.ts';
import { BroadcastQueue, type Update } from './broadcast-queue.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import { Keyring } from './keyring.ts';
import type { MemberEvent, MemberEventReason, MemberState, MembershipSnapshot } from './member.ts';
import { type MemberEntry, MemberView } from './member-view.ts';
import {
  type MembershipConfig,
  resolveMembershipConfig,
  retransmitLimit,
  suspicionBoundsMs,
} from './membership-config.ts';
import { type DropReason, dropReasons, type MembershipStats } from './membership-stats.ts';
import {
  decodeMessages,
  encodedMessageLength,
  encodeMessageInto,
  type Message,
  maxFieldBytes,
} from './message.ts';
import { openPacket, packetOverhead, sealPacket } from './packet.ts';
import { ReplayGuard } from './replay-guard.ts';
import { Suspicion } from './suspicion.ts';
import type { Transport } from './transport.ts';

export type MembershipOptions = {
  /** This member's unique name (the Kubernetes node name), 1..255 UTF-8 bytes. */
  readonly name: string;
  /** Owned from now on: closed by stop() and leave(). */
  readonly transport: Transport;
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

type Pending =
  | { kind: 'probe'; name: string; acked: boolean; nacks: number; expectedNacks: number }
  | { kind: 'confirm'; name: string; incarnation: number; acked: boolean }
  | { kind: 'relay'; requester: string; requesterSeq: number; acked: boolean };

/**
 * SWIM failure detection and membership (Das, Gupta, Motivala, 2002) with the Lifeguard refinements
 * (local health, suspicion timeouts that shrink with independent confirmations, nacks from indirect
 * probes), encrypted and authenticated with AES-256-GCM.
 *
 * Every member probes one peer per interval; a peer that misses the direct and the indirect probes
 * becomes suspect; a suspect that does not refute (by raising its incarnation) within the suspicion
 * timeout is declared dead. Updates travel piggy-backed on probe traffic and in gossip rounds, each a
 * bounded number of times; a periodic full-state exchange and reconnect attempts toward dead members
 * heal partitions.
 */
export class Membership {
  readonly name: string;
  readonly config: MembershipConfig;
  readonly #transport: Transport;
  readonly #keyring: Keyring;
  readonly #seeds: readonly string[];
  readonly #address: string;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #view: MemberView;
  readonly #queue = new BroadcastQueue();
  readonly #awareness: Awareness;
  readonly #replay = new ReplayGuard();
  readonly #pending = new Map<number, Pending>();
  readonly #timers = new Set<TimerHandle>();
  readonly #listeners = new Set<MemberListener>();
  readonly #lastContactSync = new Map<string, number>();
  readonly #scratch: Buffer;
  readonly #stats = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, listenerErrors: 0 };
  readonly #dropped = Object.fromEntries(dropReasons.map((r) => [r, 0])) as Record<DropReason, number>;
  #state: 'new' | 'running' | 'leaving' | 'stopped' = 'new';
  #epoch = 0;
  #counter = 0;
  #seq = 0;
  #gossipTimer: TimerHandle | undefined;

  constructor(opts: MembershipOptions) {
    this.config = resolveMembershipConfig(opts.config);
    this.name = opts.name;
    this.#transport = opts.transport;
    this.#address = opts.advertiseAddress ?? opts.transport.localAddress;
    for (const [field, value] of [
      ['name', this.name],
      ['advertiseAddress', this.#address],
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
    this.#keyring = new Keyring(opts.secrets);
    this.#seeds = [...(opts.seeds ?? [])];
    this.#clock = opts.clock ?? systemClock;
    this.#random = opts.random ?? Math.random;
    this.#view = new MemberView(this.name, this.#random);
    this.#awareness = new Awareness(this.config.awarenessMax);
    this.#scratch = Buffer.alloc(this.config.maxPacketBytes);
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
    this.#epoch = Math.floor(this.#clock.wallNow()) * 1024 + Math.floor(this.#random() * 1024);
    const now = this.#clock.now();
    this.#view.add({ name: this.name, address: this.#address, state: 'alive', incarnation: 0, sinceMs: now });
    this.#transport.onPacket((packet, from) => this.#receive(packet, from));
    this.#after(this.#random() * this.config.probeIntervalMs, () => this.#probe());
    this.#after(this.config.syncIntervalMs * (0.5 + this.#random()), () => this.#syncTick());
    this.#after(this.config.reconnectIntervalMs, () => this.#reconnectTick());
    for (const seed of this.#seeds) if (seed !== this.#transport.localAddress) this.#sendJoin(seed);
  }

  /**
   * Leave gracefully: tell every member at once (and by gossip), keep answering for leaveFlushMs,
   * then stop. Others mark this member `left`, not dead.
   */
  async leave(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'leaving';
    const self = this.#view.get(this.name)!;
    this.#setState(self, 'left', self.incarnation);
    this.#emit(self, 'left', 'leave', undefined, 'alive');
    const left: Update = { type: 'left', incarnation: self.incarnation, name: this.name };
    this.#queue.push(left);
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
    for (const e of this.#view.entries()) this.#clearSuspicion(e);
    this.#pending.clear();
    this.#queue.clear();
    await this.#transport.close();
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
    return { ...this.#stats, dropped: { ...this.#dropped }, awareness: this.#awareness.score };
  }

  // ---- probing -------------------------------------------------------------------------------

  #probe(): void {
    if (this.#state !== 'running') return;
    const intervalMs = this.#awareness.scale(this.config.probeIntervalMs);
    this.#after(intervalMs, () => this.#probe());
    const target = this.#view.nextProbeTarget();
    if (target === undefined) return;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'probe', name: target.name, acked: false, nacks: 0, expectedNacks: 0 };
    this.#pending.set(seq, p);
    this.#sendPing(target, seq);
    this.#after(this.#awareness.scale(this.config.probeTimeoutMs), () => {
      if (p.acked || this.#state !== 'running') return;
      const helpers = this.#view.pick(
        this.#view.reachable().filter((e) => e.name !== target.name && e.state === 'alive'),
        this.config.indirectChecks,
      );
      p.expectedNacks = helpers.length;
      for (const h of helpers) {
        this.#send(h.address, [{ type: 'pingReq', seq, target: target.name, address: target.address }], true);
      }
    });
    this.#after(intervalMs, () => {
      this.#pending.delete(seq);
      if (this.#state !== 'running') return;
      if (p.acked) {
        this.#awareness.apply(-1);
        return;
      }
      // Lifeguard: missing nacks mean our own links or process are the problem, not the target's.
      this.#awareness.apply(p.expectedNacks === 0 ? 1 : p.expectedNacks - p.nacks);
      const e = this.#view.get(p.name);
      if (e !== undefined) this.#applySuspect(e.name, e.incarnation, this.name);
    });
  }

  /** Probe a member someone else suspects, once per incarnation, to confirm (Lifeguard) or to let it refute. */
  #confirmProbe(e: MemberEntry): void {
    if (this.#state !== 'running' || e.confirmProbedIncarnation === e.incarnation) return;
    e.confirmProbedIncarnation = e.incarnation;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'confirm', name: e.name, incarnation: e.incarnation, acked: false };
    this.#pending.set(seq, p);
    this.#sendPing(e, seq);
    this.#after(this.#awareness.scale(this.config.probeTimeoutMs), () => {
      this.#pending.delete(seq);
      if (!p.acked && e.state === 'suspect' && e.incarnation === p.incarnation) {
        this.#applySuspect(e.name, p.incarnation, this.name);
      }
    });
  }

  #sendPing(target: MemberEntry, seq: number): void {
    const messages: Message[] = [{ type: 'ping', seq, target: target.name }];
    // Lifeguard "buddy system": tell a suspect directly that it is suspected, so it can refute at once.
    if (target.state === 'suspect') {
      messages.push({ type: 'suspect', incarnation: target.incarnation, name: target.name, from: this.name });
    }
    this.#send(target.address, messages, true);
  }

  // ---- receiving -----------------------------------------------------------------------------

  #receive(packet: Buffer, from: string): void {
    try {
      this.#receiveUnsafe(packet, from);
    } catch {
      // Unreachable by design (decoders return outcomes); kept so nothing can escape into the socket.
      this.#drop('malformed');
    }
  }

  #receiveUnsafe(packet: Buffer, from: string): void {
    this.#stats.packetsReceived++;
    this.#stats.bytesReceived += packet.length;
    if (this.#state !== 'running' && this.#state !== 'leaving') {
      this.#drop('notRunning');
      return;
    }
    const opened = openPacket(this.#keyring, packet, this.config.maxPacketBytes);
    if (typeof opened === 'string') {
      this.#drop(opened);
      return;
    }
    if (opened.sender === this.name) {
      this.#drop('fromSelf');
      return;
    }
    let messages: Message[];
    try {
      messages = decodeMessages(opened.payload);
    } catch {
      this.#drop('malformed');
      return;
    }
    if (!this.#replay.accept(opened.sender, opened.epoch, opened.counter)) {
      this.#drop('replayed');
      return;
    }
    const known = this.#view.get(opened.sender);
    let stateSent = false;
    if (known?.state === 'dead') {
      // A member we declared dead is talking to us: a healed partition or a restart. Exchange views.
      // (Unknown senders introduce themselves with `alive`; left members rejoin through seeds.)
      stateSent = this.#contactSync(opened.sender, from);
    }
    for (const m of messages) {
      if (m.type === 'syncReq') {
        if (!stateSent) this.#sendState(from, false);
        stateSent = true;
      } else {
        this.#handle(m, opened.sender, from);
      }
    }
  }

  #handle(m: Exclude<Message, { type: 'syncReq' }>, sender: string, from: string): void {
    switch (m.type) {
      case 'ping':
        if (m.target !== this.name) {
          this.#drop('misdirected');
          return;
        }
        this.#send(from, [{ type: 'ack', seq: m.seq }], true);
        return;
      case 'ack': {
        const p = this.#pending.get(m.seq);
        if (p === undefined || p.acked) return;
        p.acked = true;
        if (p.kind === 'relay') this.#send(p.requester, [{ type: 'ack', seq: p.requesterSeq }], true);
        return;
      }
      case 'nack': {
        const p = this.#pending.get(m.seq);
        if (p?.kind === 'probe') p.nacks++;
        return;
      }
      case 'pingReq':
        this.#relayPing(m.seq, m.target, m.address, from);
        return;
      case 'alive':
        this.#applyAlive(m.name, m.incarnation, m.address);
        return;
      case 'suspect':
        this.#applySuspect(m.name, m.incarnation, m.from, from);
        return;
      case 'dead':
        this.#applyDead(m.name, m.incarnation, m.from, from);
        return;
      case 'left':
        this.#applyLeft(m.name, m.incarnation, from);
        return;
      case 'state':
        // memberlist's rule: a remote "dead" only makes us suspect, so a stale view cannot kill.
        if (m.state === 'alive') {
          this.#applyAlive(m.name, m.incarnation, m.address);
          return;
        }
        if (m.state === 'left') {
          this.#applyLeft(m.name, m.incarnation, from);
          return;
        }
        if (this.#view.get(m.name) === undefined && m.name !== this.name) return;
        this.#applySuspect(m.name, m.incarnation, sender, from);
        return;
    }
  }

  #relayPing(requesterSeq: number, target: string, address: string, requester: string): void {
    if (this.#state !== 'running') return;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'relay', requester, requesterSeq, acked: false };
    this.#pending.set(seq, p);
    this.#send(address, [{ type: 'ping', seq, target }], true);
    this.#after(this.#awareness.scale(this.config.probeTimeoutMs), () => {
      this.#pending.delete(seq);
      if (!p.acked) this.#send(requester, [{ type: 'nack', seq: requesterSeq }], true);
    });
  }

  // ---- state rules (SWIM §4.2 with incarnation numbers) --------------------------------------

  #applyAlive(name: string, incarnation: number, address: string): void {
    if (name === this.name) {
      // Someone knows a newer incarnation of us (from before a restart): out-number it.
      if (incarnation > this.#view.get(name)!.incarnation) this.#refute(incarnation, false);
      return;
    }
    const e = this.#view.get(name);
    if (e === undefined) {
      const entry: MemberEntry = { name, address, state: 'alive', incarnation, sinceMs: this.#clock.now() };
      this.#view.add(entry);
      this.#queue.push({ type: 'alive', incarnation, name, address });
      this.#kickGossip();
      this.#emit(entry, 'alive', 'joined', undefined, undefined);
      return;
    }
    if (incarnation <= e.incarnation) return;
    const previous = e.state;
    e.address = address;
    this.#setState(e, 'alive', incarnation);
    this.#queue.push({ type: 'alive', incarnation, name, address });
    this.#kickGossip();
    if (previous !== 'alive')
      this.#emit(e, 'alive', previous === 'suspect' ? 'refuted' : 'rejoined', undefined, previous);
  }

  #applySuspect(name: string, incarnation: number, accuser: string, replyTo?: string): void {
    if (name === this.name) {
      this.#refute(incarnation, true, replyTo);
      return;
    }
    const e = this.#view.get(name);
    if (e === undefined || incarnation < e.incarnation || e.state === 'dead' || e.state === 'left') return;
    const update: Update = { type: 'suspect', incarnation, name, from: accuser };
    if (e.state === 'suspect' && incarnation === e.incarnation && e.suspicion !== undefined) {
      if (e.suspicion.confirm(accuser)) {
        this.#armSuspicionTimer(e);
        this.#queue.push(update);
        this.#kickGossip();
        if (accuser === this.name) this.#send(e.address, [update], false);
      }
      return;
    }
    const previous = e.state;
    this.#setState(e, 'suspect', incarnation);
    const live = this.#view.liveCount;
    const { minMs, maxMs } = suspicionBoundsMs(this.config, live);
    e.suspicion = new Suspicion({
      incarnation,
      startedMs: this.#clock.now(),
      accuser,
      expected: Math.min(this.config.suspicionConfirmations, Math.max(0, live - 2)),
      minMs,
      maxMs,
    });
    this.#armSuspicionTimer(e);
    this.#queue.push(update);
    this.#kickGossip();
    if (previous !== 'suspect') {
      const mine = accuser === this.name;
      this.#emit(e, 'suspect', mine ? 'probeFailed' : 'reported', mine ? undefined : accuser, previous);
    }
    if (accuser !== this.name) this.#confirmProbe(e);
    // Lifeguard's buddy system: tell the suspect directly, so it can refute at once.
    else this.#send(e.address, [update], false);
  }

  #applyDead(name: string, incarnation: number, by: string, replyTo?: string): void {
    if (name === this.name) {
      this.#refute(incarnation, true, replyTo);
      return;
    }
    const e = this.#view.get(name);
    if (e === undefined || incarnation < e.incarnation || e.state === 'dead' || e.state === 'left') return;
    const previous = e.state;
    this.#setState(e, 'dead', incarnation);
    this.#replay.forget(name);
    this.#queue.push({ type: 'dead', incarnation, name, from: by });
    this.#kickGossip();
    const mine = by === this.name;
    this.#emit(e, 'dead', mine ? 'suspicionTimeout' : 'reported', mine ? undefined : by, previous);
  }

  #applyLeft(name: string, incarnation: number, replyTo?: string): void {
    if (name === this.name) {
      this.#refute(incarnation, true, replyTo);
      return;
    }
    const e = this.#view.get(name);
    if (e === undefined || incarnation < e.incarnation || e.state === 'left') return;
    const previous = e.state;
    this.#setState(e, 'left', incarnation);
    this.#replay.forget(name);
    this.#queue.push({ type: 'left', incarnation, name });
    this.#kickGossip();
    this.#emit(e, 'left', 'leave', undefined, previous);
  }

  /**
   * Only a member raises its own incarnation: to deny a suspicion, or to outrun an earlier life. The
   * answer also goes straight back to whoever relayed the accusation (`replyTo`), because gossip
   * alone can miss one member under loss, and that member would then declare us dead.
   */
  #refute(accusedIncarnation: number, accused: boolean, replyTo?: string): void {
    if (this.#state !== 'running') return;
    const self = this.#view.get(this.name)!;
    if (accusedIncarnation >= self.incarnation) {
      self.incarnation = accusedIncarnation + 1;
      this.#view.touch();
      if (accused) this.#awareness.apply(1);
      this.#queue.push({
        type: 'alive',
        incarnation: self.incarnation,
        name: this.name,
        address: this.#address,
      });
      this.#kickGossip();
    }
    // A stale accusation (already refuted) means the sender missed our refutation: repeat it to them.
    if (replyTo !== undefined) {
      this.#send(
        replyTo,
        [{ type: 'alive', incarnation: self.incarnation, name: this.name, address: this.#address }],
        true,
      );
    }
  }

  #setState(e: MemberEntry, state: MemberState, incarnation: number): void {
    this.#clearSuspicion(e);
    if (e.state !== state) e.sinceMs = this.#clock.now();
    e.state = state;
    e.incarnation = incarnation;
    this.#view.touch();
  }

  #armSuspicionTimer(e: MemberEntry): void {
    if (e.suspicionTimer !== undefined) this.#cancel(e.suspicionTimer);
    const s = e.suspicion!;
    e.suspicionTimer = this.#after(Math.max(0, s.deadlineMs - this.#clock.now()), () => {
      e.suspicionTimer = undefined;
      if (this.#state === 'running' && e.suspicion === s) this.#applyDead(e.name, s.incarnation, this.name);
    });
  }

  #clearSuspicion(e: MemberEntry): void {
    if (e.suspicionTimer !== undefined) this.#cancel(e.suspicionTimer);
    e.suspicionTimer = undefined;
    e.suspicion = undefined;
  }

  // ---- dissemination, sync and reconnect -----------------------------------------------------

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

  #syncTick(): void {
    if (this.#state !== 'running') return;
    this.#after(this.config.syncIntervalMs * (0.5 + this.#random()), () => this.#syncTick());
    const [peer] = this.#view.pick(this.#view.reachable(), 1);
    if (peer !== undefined) this.#sendState(peer.address, true);
  }

  #reconnectTick(): void {
    if (this.#state !== 'running') return;
    this.#after(this.config.reconnectIntervalMs, () => this.#reconnectTick());
    const now = this.#clock.now();
    const reachable = this.#view.reachable();
    const reachableAddresses = new Set(reachable.map((e) => e.address));
    const gone: string[] = [];
    for (const e of [...this.#view.entries()]) {
      if (e.state !== 'dead' && e.state !== 'left') continue;
      if (now - e.sinceMs > this.config.deadRetentionMs) this.#view.remove(e.name);
      else if (e.state === 'dead') gone.push(e.address);
    }
    const seeds = this.#seeds.filter((s) => s !== this.#transport.localAddress && !reachableAddresses.has(s));
    // Alone: knock on every seed (join retry). Otherwise one random dead member or unseen seed.
    const targets = reachable.length === 0 ? seeds : this.#view.pick([...gone, ...seeds], 1);
    for (const t of targets) this.#sendJoin(t);
  }

  /** A small hello: who we are, and a request for the peer's full state. */
  #sendJoin(address: string): void {
    const self = this.#view.get(this.name)!;
    this.#send(
      address,
      [
        { type: 'alive', incarnation: self.incarnation, name: this.name, address: this.#address },
        { type: 'syncReq' },
      ],
      false,
    );
  }

  #contactSync(sender: string, address: string): boolean {
    const now = this.#clock.now();
    const last = this.#lastContactSync.get(sender);
    if (last !== undefined && now - last < this.config.reconnectIntervalMs) return false;
    this.#lastContactSync.set(sender, now);
    this.#sendState(address, true);
    return true;
  }

  /** Our whole view as `state` entries, in as many packets as needed; the first may ask for theirs. */
  #sendState(address: string, wantReply: boolean): void {
    const budget = this.config.maxPacketBytes - packetOverhead(this.name);
    let batch: Message[] = wantReply ? [{ type: 'syncReq' }] : [];
    let used = wantReply ? 1 : 0;
    for (const e of this.#view.entries()) {
      const m: Message = {
        type: 'state',
        state: e.state,
        incarnation: e.incarnation,
        name: e.name,
        address: e.address,
      };
      const n = encodedMessageLength(m);
      if (used + n > budget) {
        this.#send(address, batch, false);
        batch = [];
        used = 0;
      }
      batch.push(m);
      used += n;
    }
    if (batch.length > 0) this.#send(address, batch, false);
  }

  // ---- plumbing ------------------------------------------------------------------------------

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
    if (this.#counter > 0xffff_ffff) {
      this.#epoch++;
      this.#counter = 0;
    }
    const packet = sealPacket(this.#keyring, this.name, this.#epoch, this.#counter++, buf.subarray(0, o));
    this.#stats.packetsSent++;
    this.#stats.bytesSent += packet.length;
    this.#transport.send(address, packet);
  }

  #emit(
    e: MemberEntry,
    type: MemberState,
    reason: MemberEventReason,
    by: string | undefined,
    previous: MemberState | undefined,
  ): void {
    const member = {
      name: e.name,
      address: e.address,
      state: e.state,
      incarnation: e.incarnation,
      sinceMs: e.sinceMs,
    };
    const event: MemberEvent = {
      type,
      member,
      reason,
      ...(by === undefined ? {} : { by }),
      ...(previous === undefined ? {} : { previous }),
    };
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        this.#stats.listenerErrors++;
      }
    }
  }

  #drop(reason: DropReason): void {
    this.#dropped[reason]++;
  }

  #nextSeq(): number {
    this.#seq = (this.#seq + 1) >>> 0;
    return this.#seq;
  }

  #after(delayMs: number, fn: () => void): TimerHandle {
    const handle = this.#clock.setTimer(() => {
      this.#timers.delete(handle);
      fn();
    }, delayMs);
    this.#timers.add(handle);
    return handle;
  }

  #cancel(handle: TimerHandle): void {
    this.#clock.clearTimer(handle);
    this.#timers.delete(handle);
  }
}
