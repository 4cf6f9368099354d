/** Counters older than the newest by this much are refused; UDP rarely reorders further on a LAN. */
export const replayWindowPackets = 64;

type Window = { epoch: number; highest: number; seen: bigint };

/**
 * Refuses authenticated packets that were already accepted (anti-replay, in the manner of the
 * IPsec sliding window, RFC 4303 §3.4.3), per sender: a packet must come from the sender's current
 * or a newer epoch, and its counter must be new and within {@link replayWindowPackets} of the
 * highest seen. Check only after authentication, so forged packets cannot move a window.
 */
export class ReplayGuard {
  readonly #windows = new Map<string, Window>();
  readonly #onForget: ((sender: string) => void) | undefined;

  /** `onForget` hears of every forget (a second window kept elsewhere forgets too). */
  constructor(onForget?: (sender: string) => void) {
    this.#onForget = onForget;
  }

  /** True (and recorded) if this (sender, epoch, counter) is fresh; false if it is a replay. */
  accept(sender: string, epoch: number, counter: number): boolean {
    const w = this.#windows.get(sender);
    if (w === undefined || epoch > w.epoch) {
      this.#windows.set(sender, { epoch, highest: counter, seen: 1n });
      return true;
    }
    if (epoch < w.epoch) return false;
    if (counter > w.highest) {
      const shift = counter - w.highest;
      w.seen = shift >= replayWindowPackets ? 1n : ((w.seen << BigInt(shift)) | 1n) & mask;
      w.highest = counter;
      return true;
    }
    const age = w.highest - counter;
    if (age >= replayWindowPackets) return false;
    const bit = 1n << BigInt(age);
    if ((w.seen & bit) !== 0n) return false;
    w.seen |= bit;
    return true;
  }

  /**
   * Forget a sender (it died or left): its next incarnation may restart with a smaller epoch if its
   * wall clock stepped back. Replaying its old packets then changes nothing, because they carry
   * incarnations the view has already superseded.
   */
  forget(sender: string): void {
    this.#windows.delete(sender);
    this.#onForget?.(sender);
  }

  get size(): number {
    return this.#windows.size;
  }
}

const mask = (1n << BigInt(replayWindowPackets)) - 1n;
