/** Called for every datagram that arrives; `from` is the sender's transport address. */
export type PacketHandler = (packet: Buffer, from: string) => void;

/**
 * Unreliable datagram I/O between members. Addresses are opaque strings chosen by the
 * implementation (`"192.0.2.10:7946"`, `"[2001:db8::1]:7946"` for UDP). Sends are fire-and-forget:
 * a datagram may be lost, duplicated, delayed or reordered, and `send` never throws for a
 * network reason (the protocol tolerates loss by design).
 */
export interface Transport {
  /** The address other members use to reach this transport. */
  readonly localAddress: string;
  send(to: string, packet: Uint8Array): void;
  /** Install the one receive handler (replacing any earlier one). */
  onPacket(handler: PacketHandler): void;
  close(): Promise<void>;
}
