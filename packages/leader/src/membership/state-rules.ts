import type { Update } from './broadcast-queue.ts';
import type { MemberState } from './member.ts';
import type { MemberContext } from './member-context.ts';
import type { MemberEntry } from './member-view.ts';
import { suspicionBoundsMs } from './membership-config.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { Suspicion } from './suspicion.ts';

/**
 * How updates change the view (SWIM §4.2, with incarnation numbers as in memberlist):
 *
 * - alive(i) wins over anything at an incarnation below i; a first sighting adds the member;
 * - suspect(i) turns an alive member at incarnation <= i into a suspect with a Lifeguard timer; more
 *   suspicions of the same incarnation by other members are confirmations that shorten it;
 * - dead(i) / left(i) apply to a member at incarnation <= i that is not already dead or left;
 * - an accusation about ourselves is refuted by raising our incarnation above it.
 *
 * Every change is queued for gossip and reported as an event.
 */
export class MemberStateRules {
  readonly #ctx: MemberContext;
  readonly #replay: ReplayGuard;
  readonly #confirmProbe: (e: MemberEntry) => void;

  constructor(ctx: MemberContext, replay: ReplayGuard, confirmProbe: (e: MemberEntry) => void) {
    this.#ctx = ctx;
    this.#replay = replay;
    this.#confirmProbe = confirmProbe;
  }

  alive(name: string, incarnation: number, address: string): void {
    const ctx = this.#ctx;
    if (name === ctx.name) {
      // Someone knows a newer incarnation of us (from before a restart): out-number it.
      if (incarnation > ctx.view.get(name)!.incarnation) this.#refute(incarnation, false);
      return;
    }
    const e = ctx.view.get(name);
    if (e === undefined) {
      const entry: MemberEntry = { name, address, state: 'alive', incarnation, sinceMs: ctx.clock.now() };
      ctx.view.add(entry);
      this.#spread({ type: 'alive', incarnation, name, address });
      ctx.emit(entry, 'alive', 'joined', undefined, undefined);
      return;
    }
    if (incarnation <= e.incarnation) return;
    const previous = e.state;
    e.address = address;
    this.#setState(e, 'alive', incarnation);
    this.#spread({ type: 'alive', incarnation, name, address });
    if (previous !== 'alive') {
      ctx.emit(e, 'alive', previous === 'suspect' ? 'refuted' : 'rejoined', undefined, previous);
    }
  }

  /** `replyTo`: transport address the accusation came from, to answer an accusation of ourselves. */
  suspect(name: string, incarnation: number, accuser: string, replyTo?: string): void {
    const ctx = this.#ctx;
    const e = this.#accused(name, incarnation, ['dead', 'left'], replyTo);
    if (e === undefined) return;
    const mine = accuser === ctx.name;
    const update: Update = { type: 'suspect', incarnation, name, from: accuser };
    if (e.state === 'suspect' && incarnation === e.incarnation && e.suspicion !== undefined) {
      if (e.suspicion.confirm(accuser)) {
        this.#armSuspicionTimer(e);
        this.#spread(update);
        if (mine) ctx.send(e.address, [update], false);
      }
      return;
    }
    const previous = e.state;
    this.#setState(e, 'suspect', incarnation);
    const live = ctx.view.liveCount;
    const { minMs, maxMs } = suspicionBoundsMs(ctx.config, live);
    e.suspicion = new Suspicion({
      incarnation,
      startedMs: ctx.clock.now(),
      accuser,
      expected: Math.min(ctx.config.suspicionConfirmations, Math.max(0, live - 2)),
      minMs,
      maxMs,
    });
    this.#armSuspicionTimer(e);
    this.#spread(update);
    if (previous !== 'suspect') {
      ctx.emit(e, 'suspect', mine ? 'probeFailed' : 'reported', mine ? undefined : accuser, previous);
    }
    if (!mine) this.#confirmProbe(e);
    // Lifeguard's buddy system: tell the suspect directly, so it can refute at once.
    else ctx.send(e.address, [update], false);
  }

  dead(name: string, incarnation: number, by: string, replyTo?: string): void {
    const ctx = this.#ctx;
    const e = this.#accused(name, incarnation, ['dead', 'left'], replyTo);
    if (e === undefined) return;
    const previous = e.state;
    this.#setState(e, 'dead', incarnation);
    this.#replay.forget(name);
    this.#spread({ type: 'dead', incarnation, name, from: by });
    const mine = by === ctx.name;
    ctx.emit(e, 'dead', mine ? 'suspicionTimeout' : 'reported', mine ? undefined : by, previous);
  }

  left(name: string, incarnation: number, replyTo?: string): void {
    const ctx = this.#ctx;
    const e = this.#accused(name, incarnation, ['left'], replyTo);
    if (e === undefined) return;
    const previous = e.state;
    this.#setState(e, 'left', incarnation);
    this.#replay.forget(name);
    this.#spread({ type: 'left', incarnation, name });
    ctx.emit(e, 'left', 'leave', undefined, previous);
  }

  /**
   * The entry an accusation (suspect, dead, left) at `incarnation` applies to, or undefined: when it
   * is about ourselves (then refuted), unknown, outdated, or already in one of the `final` states.
   */
  #accused(
    name: string,
    incarnation: number,
    final: readonly MemberState[],
    replyTo: string | undefined,
  ): MemberEntry | undefined {
    if (name === this.#ctx.name) {
      this.#refute(incarnation, true, replyTo);
      return undefined;
    }
    const e = this.#ctx.view.get(name);
    if (e === undefined || incarnation < e.incarnation || final.includes(e.state)) return undefined;
    return e;
  }

  /** Stop every suspicion timer (the member is stopping). */
  clearAll(): void {
    for (const e of this.#ctx.view.entries()) this.#clearSuspicion(e);
  }

  /** Mark ourselves left (graceful leave) and return the update to send. */
  leave(): Update {
    const self = this.#ctx.view.get(this.#ctx.name)!;
    this.#setState(self, 'left', self.incarnation);
    this.#ctx.emit(self, 'left', 'leave', undefined, 'alive');
    const update: Update = { type: 'left', incarnation: self.incarnation, name: self.name };
    this.#ctx.queue.push(update);
    return update;
  }

  /**
   * Only a member raises its own incarnation: to deny a suspicion, or to outrun an earlier life. The
   * answer also goes straight back to whoever relayed the accusation (`replyTo`), because gossip
   * alone can miss one member under loss, and that member would then declare us dead.
   */
  #refute(accusedIncarnation: number, accused: boolean, replyTo?: string): void {
    const ctx = this.#ctx;
    if (!ctx.running) return;
    const self = ctx.view.get(ctx.name)!;
    const alive: Update = {
      type: 'alive',
      incarnation: self.incarnation,
      name: ctx.name,
      address: ctx.address,
    };
    if (accusedIncarnation >= self.incarnation) {
      self.incarnation = accusedIncarnation + 1;
      ctx.view.touch();
      if (accused) ctx.awareness.apply(1);
      this.#spread({ ...alive, incarnation: self.incarnation });
    }
    // Also a stale accusation (already refuted): the sender missed our refutation, so repeat it.
    if (replyTo !== undefined) ctx.send(replyTo, [{ ...alive, incarnation: self.incarnation }], true);
  }

  #spread(update: Update): void {
    this.#ctx.queue.push(update);
    this.#ctx.kickGossip();
  }

  #setState(e: MemberEntry, state: MemberState, incarnation: number): void {
    this.#clearSuspicion(e);
    if (e.state !== state) e.sinceMs = this.#ctx.clock.now();
    e.state = state;
    e.incarnation = incarnation;
    this.#ctx.view.touch();
  }

  #armSuspicionTimer(e: MemberEntry): void {
    const ctx = this.#ctx;
    if (e.suspicionTimer !== undefined) ctx.cancel(e.suspicionTimer);
    const s = e.suspicion!;
    e.suspicionTimer = ctx.after(Math.max(0, s.deadlineMs - ctx.clock.now()), () => {
      e.suspicionTimer = undefined;
      if (ctx.running && e.suspicion === s) this.dead(e.name, s.incarnation, ctx.name);
    });
  }

  #clearSuspicion(e: MemberEntry): void {
    if (e.suspicionTimer !== undefined) this.#ctx.cancel(e.suspicionTimer);
    e.suspicionTimer = undefined;
    e.suspicion = undefined;
  }
}
