import type { TimerHandle } from './clock.ts';
import type { MemberContext } from './member-context.ts';
import type { MemberEntry } from './member-view.ts';
import type { Message } from './message.ts';

type Pending =
  | { kind: 'probe'; name: string; acked: boolean; nacks: number; expectedNacks: number }
  | { kind: 'confirm'; name: string; incarnation: number; acked: boolean }
  | { kind: 'relay'; requester: string; requesterSeq: number; acked: boolean }
  | { kind: 'announce'; acked: boolean; done: (acked: boolean) => void };

type ProbeInFlight = { seq: number; pending: Extract<Pending, { kind: 'probe' }> };

/**
 * SWIM failure detection (§3.1): each interval, ping the next member of the round robin; without an
 * ack within the probe timeout, ask `indirectChecks` others to ping it (ping-req) and relay acks or
 * Lifeguard nacks; without any ack by the end of the interval, suspect it. Also answers ping-reqs for
 * others, and sends the one-off confirming probe to a member someone else suspects.
 *
 * With an offload, the loop hands itself over while the member is quiet: the offload sends the
 * direct probes and swallows their acks; its first miss comes back here (takeOverMissed) for the
 * indirect probes and the verdict, and the moment the member stops being quiet the loop runs here
 * again (takeBack).
 */
export class Prober {
  readonly #ctx: MemberContext;
  /** Called when our own probe failed: suspect `name` at `incarnation`, accused by us. */
  readonly #suspect: (name: string, incarnation: number) => void;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  /** The next tick of our own loop; undefined while the offload probes (or before start). */
  #loop: TimerHandle | undefined;
  #offloaded = false;

  constructor(ctx: MemberContext, suspect: (name: string, incarnation: number) => void) {
    this.#ctx = ctx;
    this.#suspect = suspect;
  }

  /** Start the probe loop (first probe at a random phase so members do not probe in lockstep). */
  start(): void {
    this.#schedule(this.#ctx.random() * this.#ctx.config.probeIntervalMs);
  }

  stop(): void {
    this.#pending.clear();
    if (this.#offloaded) this.#ctx.offload?.stopProbing();
    this.#offloaded = false;
  }

  /** The member is no longer quiet: probe from here again (from the next interval). */
  takeBack(): void {
    if (!this.#offloaded) return;
    this.#offloaded = false;
    this.#ctx.offload?.stopProbing();
    this.#schedule(this.#ctx.awareness.scale(this.#ctx.config.probeIntervalMs));
  }

  /**
   * The offload's probe `seq` of `name` went unanswered for the probe timeout (and the offload
   * stopped probing): carry on as our own probe would, with indirect probes now and the verdict at
   * the end of its interval; our loop resumes then.
   */
  takeOverMissed(seq: number, name: string): void {
    const ctx = this.#ctx;
    this.#offloaded = false;
    if (!ctx.running) return;
    const rest = Math.max(0, ctx.awareness.scale(ctx.config.probeIntervalMs - ctx.config.probeTimeoutMs));
    const target = ctx.view.get(name);
    if (target === undefined) {
      if (this.#loop === undefined) this.#schedule(rest);
      return;
    }
    const p = { kind: 'probe' as const, name, acked: false, nacks: 0, expectedNacks: 0 };
    this.#pending.set(seq, p);
    this.#askOthers(seq, target, p);
    // Already looping (taken back meanwhile): the verdict on its own timer, the loop untouched.
    if (this.#loop === undefined) this.#schedule(rest, { seq, pending: p });
    else ctx.after(rest, () => this.#settle(seq, p));
  }

  onAck(seq: number): void {
    const p = this.#pending.get(seq);
    if (p === undefined || p.acked) return;
    p.acked = true;
    if (p.kind === 'relay') this.#ctx.send(p.requester, [{ type: 'ack', seq: p.requesterSeq }], true);
    if (p.kind === 'announce') p.done(true);
  }

  onNack(seq: number): void {
    const p = this.#pending.get(seq);
    if (p?.kind === 'probe') p.nacks++;
  }

  /** Someone asked us (at `requester`) to probe `target` for them. */
  relay(requesterSeq: number, target: string, address: string, requester: string): void {
    const ctx = this.#ctx;
    if (!ctx.running) return;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'relay', requester, requesterSeq, acked: false };
    this.#pending.set(seq, p);
    ctx.send(address, [{ type: 'ping', seq, target }], true);
    ctx.after(ctx.awareness.scale(ctx.config.probeTimeoutMs), () => {
      this.#pending.delete(seq);
      if (!p.acked) ctx.send(requester, [{ type: 'nack', seq: requesterSeq }], true);
    });
  }

  /**
   * Probe a member someone else suspects, once per incarnation: a failure is an independent
   * confirmation (Lifeguard shrinks the timeout); the ping also carries the suspicion, so a live
   * member learns of it and refutes at once.
   */
  confirm(e: MemberEntry): void {
    const ctx = this.#ctx;
    if (!ctx.running || e.confirmProbedIncarnation === e.incarnation) return;
    e.confirmProbedIncarnation = e.incarnation;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'confirm', name: e.name, incarnation: e.incarnation, acked: false };
    this.#pending.set(seq, p);
    this.#ping(e, seq);
    ctx.after(ctx.awareness.scale(ctx.config.probeTimeoutMs), () => {
      this.#pending.delete(seq);
      if (!p.acked && e.state === 'suspect' && e.incarnation === p.incarnation)
        this.#suspect(e.name, p.incarnation);
    });
  }

  /**
   * Send `e` our own `alive` followed by a ping: the receiver handles messages in order, so its
   * ack means it has applied the `alive`. `done` runs once: on the ack, or unacked after
   * `timeoutMs`.
   */
  announce(e: MemberEntry, alive: Message, timeoutMs: number, done: (acked: boolean) => void): void {
    const ctx = this.#ctx;
    const seq = this.#nextSeq();
    const p: Pending = { kind: 'announce', acked: false, done };
    this.#pending.set(seq, p);
    ctx.send(e.address, [alive, { type: 'ping', seq, target: e.name }], true);
    ctx.after(timeoutMs, () => {
      this.#pending.delete(seq);
      if (!p.acked) done(false);
    });
  }

  /**
   * One timer per interval: settle the probe the last tick sent, then send the next. (Two timers
   * for the two, created microseconds apart, often fired as two wake-ups about 1 ms apart.)
   */
  #probe(previous?: ProbeInFlight): void {
    const ctx = this.#ctx;
    if (!ctx.running) return;
    if (previous !== undefined) this.#settle(previous.seq, previous.pending);
    const offload = ctx.offload;
    if (offload !== undefined && ctx.quiet) {
      // Quiet: the offload probes the same members (all alive) until a miss or a change.
      this.#offloaded = true;
      offload.startProbing(
        ctx.view.reachable().map((e) => ({ name: e.name, address: e.address })),
        ctx.config.probeIntervalMs,
        ctx.config.probeTimeoutMs,
      );
      return;
    }
    const intervalMs = ctx.awareness.scale(ctx.config.probeIntervalMs);
    const target = ctx.view.nextProbeTarget();
    if (target === undefined) {
      this.#schedule(intervalMs);
      return;
    }
    const seq = this.#nextSeq();
    const p = { kind: 'probe' as const, name: target.name, acked: false, nacks: 0, expectedNacks: 0 };
    this.#pending.set(seq, p);
    this.#schedule(intervalMs, { seq, pending: p });
    this.#ping(target, seq);
    ctx.after(ctx.awareness.scale(ctx.config.probeTimeoutMs), () => {
      if (!p.acked && ctx.running) this.#askOthers(seq, target, p);
    });
  }

  #schedule(delayMs: number, previous?: ProbeInFlight): void {
    const loop = this.#ctx.after(delayMs, () => {
      if (this.#loop === loop) this.#loop = undefined;
      this.#probe(previous);
    });
    this.#loop = loop;
  }

  /** The direct probe timed out: ask `indirectChecks` others to ping the target for us. */
  #askOthers(seq: number, target: MemberEntry, p: ProbeInFlight['pending']): void {
    const ctx = this.#ctx;
    const helpers = ctx.view.pick(
      ctx.view.reachable().filter((e) => e.name !== target.name && e.state === 'alive'),
      ctx.config.indirectChecks,
    );
    p.expectedNacks = helpers.length;
    for (const h of helpers) {
      ctx.send(h.address, [{ type: 'pingReq', seq, target: target.name, address: target.address }], true);
    }
  }

  /** End of a probe's interval: an ack lowers the local-health score; none makes the target suspect. */
  #settle(seq: number, p: ProbeInFlight['pending']): void {
    const ctx = this.#ctx;
    this.#pending.delete(seq);
    if (p.acked) {
      ctx.awareness.apply(-1);
      return;
    }
    // Lifeguard: missing nacks mean our own links or process are the problem, not the target's.
    ctx.awareness.apply(p.expectedNacks === 0 ? 1 : p.expectedNacks - p.nacks);
    const e = ctx.view.get(p.name);
    if (e !== undefined) this.#suspect(e.name, e.incarnation);
  }

  #ping(target: MemberEntry, seq: number): void {
    const messages: Message[] = [{ type: 'ping', seq, target: target.name }];
    // Lifeguard's buddy system: tell a suspect directly that it is suspected, so it can refute at once.
    if (target.state === 'suspect') {
      messages.push({
        type: 'suspect',
        incarnation: target.incarnation,
        name: target.name,
        from: this.#ctx.name,
      });
    }
    this.#ctx.send(target.address, messages, true);
  }

  /** Our seqs never have the top bit set: the offload's do, so acks cannot be confused. */
  #nextSeq(): number {
    this.#seq = (this.#seq + 1) & 0x7fff_ffff;
    return this.#seq;
  }
}
