import type { MemberContext } from './member-context.ts';
import { encodedMessageLength, type Message } from './message.ts';
import { packetOverhead } from './packet.ts';

/**
 * Everything that repairs views beyond gossip: joining through seeds, the periodic full-state
 * exchange with a random member (memberlist's push-pull, here over UDP in MTU-sized packets), and
 * reconnect attempts toward members we consider dead, which is how partitions heal. Also expires
 * tombstones of dead and left members.
 */
export class StateExchange {
  readonly #ctx: MemberContext;
  readonly #seeds: readonly string[];
  readonly #lastContactSync = new Map<string, number>();

  constructor(ctx: MemberContext, seeds: readonly string[]) {
    this.#ctx = ctx;
    this.#seeds = seeds.filter((s) => s !== ctx.address);
  }

  /** Knock on every seed now; start the sync and reconnect loops. */
  start(): void {
    const { config, random } = this.#ctx;
    for (const seed of this.#seeds) this.#sendJoin(seed);
    this.#ctx.after(config.syncIntervalMs * (0.5 + random()), () => this.#syncTick());
    this.#ctx.after(config.reconnectIntervalMs, () => this.#reconnectTick());
  }

  /**
   * A member we declared dead is talking to us: a healed partition or a restart. Exchange full
   * views (at most once per reconnect interval per member); returns whether state was sent.
   */
  contactFromDead(sender: string, address: string): boolean {
    const now = this.#ctx.clock.now();
    const last = this.#lastContactSync.get(sender);
    if (last !== undefined && now - last < this.#ctx.config.reconnectIntervalMs) return false;
    this.#lastContactSync.set(sender, now);
    this.sendState(address, true);
    return true;
  }

  /** Our whole view as `state` entries, in as many packets as needed; the first may ask for theirs. */
  sendState(address: string, wantReply: boolean): void {
    const ctx = this.#ctx;
    const budget = ctx.config.maxPacketBytes - packetOverhead(ctx.name);
    let batch: Message[] = wantReply ? [{ type: 'syncReq' }] : [];
    let used = wantReply ? 1 : 0;
    for (const e of ctx.view.entries()) {
      const m: Message = {
        type: 'state',
        state: e.state,
        incarnation: e.incarnation,
        name: e.name,
        address: e.address,
      };
      const n = encodedMessageLength(m);
      if (used + n > budget) {
        ctx.send(address, batch, false);
        batch = [];
        used = 0;
      }
      batch.push(m);
      used += n;
    }
    if (batch.length > 0) ctx.send(address, batch, false);
  }

  #syncTick(): void {
    const ctx = this.#ctx;
    if (!ctx.running) return;
    // Jittered so members do not synchronise their exchanges.
    ctx.after(ctx.config.syncIntervalMs * (0.5 + ctx.random()), () => this.#syncTick());
    const [peer] = ctx.view.pick(ctx.view.reachable(), 1);
    if (peer !== undefined) this.sendState(peer.address, true);
  }

  #reconnectTick(): void {
    const ctx = this.#ctx;
    if (!ctx.running) return;
    ctx.after(ctx.config.reconnectIntervalMs, () => this.#reconnectTick());
    const now = ctx.clock.now();
    const reachable = ctx.view.reachable();
    const reachableAddresses = new Set(reachable.map((e) => e.address));
    const gone: string[] = [];
    for (const e of [...ctx.view.entries()]) {
      if (e.state !== 'dead' && e.state !== 'left') continue;
      if (now - e.sinceMs > ctx.config.deadRetentionMs) {
        ctx.view.remove(e.name);
        this.#lastContactSync.delete(e.name);
      } else if (e.state === 'dead') gone.push(e.address);
    }
    const seeds = this.#seeds.filter((s) => !reachableAddresses.has(s));
    // Alone: knock on every seed (join retry). Otherwise one random dead member or unseen seed; the
    // hello is small, and only a live peer answers with its full state.
    const targets = reachable.length === 0 ? seeds : ctx.view.pick([...gone, ...seeds], 1);
    for (const t of targets) this.#sendJoin(t);
  }

  /** A small hello: who we are, and a request for the peer's full state. */
  #sendJoin(address: string): void {
    const ctx = this.#ctx;
    const self = ctx.view.get(ctx.name)!;
    ctx.send(
      address,
      [
        { type: 'alive', incarnation: self.incarnation, name: ctx.name, address: ctx.address },
        { type: 'syncReq' },
      ],
      false,
    );
  }
}
