/**
 * ARP responder for one interface (RFC 826), answering as MetalLB does: only requests (not
 * replies), only when the Ethernet destination is broadcast or our MAC, only for IPs announced on
 * this interface, with a unicast reply from the interface MAC. Every frame goes through the
 * per-source rate limit first; frames from another MAC that claim one of our IPs (answers or
 * gratuitous announcements) are conflicts.
 */
import {
  ArpOperation,
  ArpWireError,
  arpFrameCodec,
  BROADCAST_MAC,
  buildGratuitousArpReply,
  buildGratuitousArpRequest,
  decodeArpFrame,
  encodeArpReplyInto,
  formatIpv4,
  formatMac,
  parseIpv4,
  readMac,
} from '@baremetal-lb/arp-wire';
import { ETHERNET_HEADER_BYTES, FrameOutcome, type ResponderOptions } from './frame-outcome.ts';

export type ArpResponderOptions = ResponderOptions;

export class ArpResponder {
  readonly #o: ArpResponderOptions;
  /** Announced IPv4 addresses as integers → their text (metric labels). */
  readonly #ips = new Map<number, string>();
  /** Announced IPs being handed over: answered until another MAC claims them. */
  readonly #releasing = new Set<string>();
  /** Reused for replies: sends are synchronous, so one buffer serves every reply. */
  readonly #replyBuffer = new Uint8Array(64);

  constructor(options: ArpResponderOptions) {
    this.#o = options;
  }

  get ifname(): string {
    return this.#o.ifname;
  }

  /** Starts answering for `ip` (also one being released); returns whether it was new. */
  add(ip: string): boolean {
    this.#releasing.delete(ip);
    const key = parseIpv4(ip);
    if (this.#ips.has(key)) return false;
    this.#ips.set(key, ip);
    this.#o.conflicts.tookOver(ip, this.#o.now());
    return true;
  }

  /** Stops answering for `ip`; returns whether it was announced. */
  remove(ip: string): boolean {
    this.#releasing.delete(ip);
    if (!this.#ips.delete(parseIpv4(ip))) return false;
    this.#o.conflicts.released(ip);
    return true;
  }

  /** Keeps answering for `ip` until another MAC claims it, then calls `handOver`. */
  release(ip: string): void {
    if (this.#ips.has(parseIpv4(ip))) this.#releasing.add(ip);
  }

  /** Announced and not being released. */
  holds(ip: string): boolean {
    return this.#ips.has(parseIpv4(ip)) && !this.#releasing.has(ip);
  }

  get size(): number {
    return this.#ips.size;
  }

  /** The addresses answered for, as text. */
  get ips(): readonly string[] {
    return [...this.#ips.values()];
  }

  /** Handles one received Ethernet frame; never throws. */
  handleFrame(frame: Uint8Array): FrameOutcome {
    if (frame.length < ETHERNET_HEADER_BYTES) return FrameOutcome.malformed;
    // Rate limit on the Ethernet source MAC before decoding, so a flood costs little per frame.
    if (this.#o.rateLimiter?.allow(readMac(frame, 6), this.#o.now()) === false)
      return FrameOutcome.rateLimited;
    let decoded: ReturnType<typeof decodeArpFrame>;
    try {
      decoded = decodeArpFrame(frame);
    } catch (error) {
      if (error instanceof ArpWireError) {
        return error.code === 'ERR_ETHERNET_UNEXPECTED_ETHERTYPE'
          ? FrameOutcome.ignored
          : FrameOutcome.malformed;
      }
      return FrameOutcome.malformed;
    }
    const { arp, ethernet } = decoded;
    // Our own transmissions come back on a packet socket.
    if (arp.senderMac === this.#o.mac || ethernet.source === this.#o.mac) return FrameOutcome.ignored;

    const claimed = this.#ips.get(arp.senderIp);
    if (claimed !== undefined) {
      const mac = formatMac(arp.senderMac);
      if (this.#releasing.has(claimed)) {
        this.#o.handOver?.(claimed, mac);
        return FrameOutcome.handedOver;
      }
      const report = this.#o.conflicts.observe(claimed, mac, this.#o.ifname, this.#o.now());
      if (report !== undefined) this.#o.observer?.conflict?.(report);
      if (this.#o.conflicts.shouldDefend(claimed, this.#o.now())) this.sendGratuitous(claimed);
      return FrameOutcome.conflict;
    }
    if (arp.operation !== ArpOperation.request) return FrameOutcome.notRequest;
    if (ethernet.destination !== BROADCAST_MAC && ethernet.destination !== this.#o.mac) {
      return FrameOutcome.wrongDestination;
    }
    const ip = this.#ips.get(arp.targetIp);
    if (ip === undefined) return FrameOutcome.notOurIp;
    this.#o.observer?.requestReceived?.(ip);
    const length = encodeArpReplyInto(decoded, this.#o.mac, this.#replyBuffer, 0);
    try {
      this.#o.send(this.#replyBuffer.subarray(0, length));
    } catch (error) {
      this.#o.observer?.sendError?.(error);
      return FrameOutcome.sendFailed;
    }
    this.#o.observer?.responseSent?.(ip);
    return FrameOutcome.replied;
  }

  /** Sends a gratuitous ARP request and reply for `ip` (announced or not). */
  sendGratuitous(ip: string): void {
    const options = { mac: this.#o.mac, ip: parseIpv4(ip) };
    for (const frame of [buildGratuitousArpRequest(options), buildGratuitousArpReply(options)]) {
      try {
        this.#o.send(arpFrameCodec.encode(frame));
        this.#o.observer?.gratuitousSent?.(formatIpv4(options.ip));
      } catch (error) {
        this.#o.observer?.sendError?.(error);
      }
    }
  }
}
