/**
 * A membership transport that does the steady state itself (packages/packet-socket's
 * `openMembershipLink`: a native thread). It seals every packet Membership sends, and while
 * Membership says it is quiet (nothing to piggy-back, no suspect, perfect local health) it answers
 * pings from the alive members itself and runs the round-robin direct probes it was handed,
 * waking JavaScript only for what needs a decision: any other packet, or a probe that was not
 * acknowledged in time (Membership then takes that probe over: indirect probes, suspicion).
 * Membership stays the authority for every state change; an idle cluster just stops waking it.
 */
export type OffloadPacket =
  | {
      /** Authenticated with a key Membership gave it (addReceiveKey) and fresh in its replay window. */
      readonly kind: 'opened';
      readonly sender: string;
      readonly epoch: number;
      readonly counter: number;
      /** The encoded messages. */
      readonly payload: Buffer;
      readonly from: string;
    }
  | {
      /** Not opened there (unknown key, malformed, from ourselves): Membership judges it. */
      readonly kind: 'sealed';
      readonly packet: Buffer;
      readonly from: string;
    };

/** What the offload did on its own. */
export type OffloadStats = {
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  /** Pings it answered and acks of its own probes it consumed, without waking JavaScript. */
  readonly pingsAnswered: number;
  readonly acksReceived: number;
  readonly probesSent: number;
  readonly probesMissed: number;
  /** Packets it handed to Membership. */
  readonly passedUp: number;
  /** Packets it refused as replays. */
  readonly replayed: number;
};

export interface MembershipOffload {
  /** The address other members use to reach it ("192.0.2.10:7946", "[2001:db8::1]:7946"). */
  readonly localAddress: string;
  /**
   * Who we are: packets are sealed as `name` with nonces (`epoch`, counter from 0). Quiet lapses
   * `watchdogMs` after the last feed or setQuiet: a wedged event loop must look dead to the others.
   */
  configure(name: string, epoch: number, maxPacketBytes: number, watchdogMs: number): void;
  /** The event loop is alive. */
  feed(): void;
  /** Our own subkey under the key every packet is sealed with. */
  setSendKey(keyId: number, key: Uint8Array): void;
  /** A sender's subkey, once a packet proved it is in use. */
  addReceiveKey(keyId: number, sender: string, key: Uint8Array): void;
  clearReceiveKeys(): void;
  /** Drop `sender`'s replay window (it died or left). */
  forget(sender: string): void;
  /** Seal `payload` (encoded messages) and send it; fire-and-forget like Transport.send. */
  send(to: string, payload: Uint8Array): void;
  /** While `quiet`, answer one-ping packets from `alive` members without waking JavaScript. */
  setQuiet(quiet: boolean, alive: readonly string[]): void;
  /**
   * Probe `targets` round robin, one every `intervalMs` (the first now), each acked within
   * `timeoutMs`; at the first miss stop and report it (onMissed). Seqs it uses have the top bit set.
   */
  startProbing(
    targets: readonly { name: string; address: string }[],
    intervalMs: number,
    timeoutMs: number,
  ): void;
  /** No more probes; acks of one in flight are delivered as packets from now on. */
  stopProbing(): void;
  onPacket(handler: (packet: OffloadPacket) => void): void;
  /** Probe `seq` of `name` had no ack within the timeout; probing has stopped. */
  onMissed(handler: (seq: number, name: string) => void): void;
  stats(): OffloadStats;
  close(): Promise<void>;
}
