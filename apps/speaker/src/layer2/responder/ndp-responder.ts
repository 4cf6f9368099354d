/**
 * NDP responder for one interface (RFC 4861): answers Neighbor Solicitations for IPv6 addresses
 * announced here with a solicited Neighbor Advertisement (Override clear, Target Link-Layer
 * Address = interface MAC) from the solicited address; unsolicited advertisements go out from the
 * interface's link-local address. Unlike MetalLB it also answers
 * solicitations without a Source Link-Layer Address option (unicast reachability probes), to the
 * frame's Ethernet source. Advertisements from another MAC for one of our addresses are conflicts.
 */
import {
  buildSolicitedNeighborAdvertisement,
  buildUnsolicitedNeighborAdvertisement,
  classifyFrame,
  decodeNdpFrame,
  FrameKind,
  findLinkLayerAddress,
  formatIpv6,
  formatMac,
  type Ipv6Address,
  isMulticastMac,
  isNeighborSolicitationFrame,
  type MacAddress,
  ndpFrameCodec,
  parseIpv6,
  readMac,
  solicitedNodeMulticastMac,
} from '@baremetal-lb/arp-wire';
import { ETHERNET_HEADER_BYTES, FrameOutcome, type ResponderOptions } from './frame-outcome.ts';

export type NdpResponderOptions = ResponderOptions & {
  /** The interface's link-local address, the source of unsolicited advertisements. */
  readonly linkLocal: string | undefined;
};

export class NdpResponder {
  readonly #o: NdpResponderOptions;
  readonly #linkLocal: Ipv6Address | undefined;
  /** Announced addresses keyed by canonical text. */
  readonly #ips = new Map<string, Ipv6Address>();
  /** Announced addresses being handed over: answered until another MAC claims them. */
  readonly #releasing = new Set<string>();

  constructor(options: NdpResponderOptions) {
    this.#o = options;
    this.#linkLocal = options.linkLocal === undefined ? undefined : parseIpv6(options.linkLocal);
  }

  get ifname(): string {
    return this.#o.ifname;
  }

  /** Starts answering for `ip` (also one being released); returns whether it was new. */
  add(ip: string): boolean {
    const address = parseIpv6(ip);
    const key = formatIpv6(address);
    this.#releasing.delete(key);
    if (this.#ips.has(key)) return false;
    this.#ips.set(key, address);
    this.#o.conflicts.tookOver(key, this.#o.now());
    return true;
  }

  /** Stops answering for `ip`; returns whether it was announced. */
  remove(ip: string): boolean {
    const key = formatIpv6(parseIpv6(ip));
    this.#releasing.delete(key);
    if (!this.#ips.delete(key)) return false;
    this.#o.conflicts.released(key);
    return true;
  }

  /** Keeps answering for `ip` until another MAC advertises it, then calls `handOver`. */
  release(ip: string): void {
    const key = formatIpv6(parseIpv6(ip));
    if (this.#ips.has(key)) this.#releasing.add(key);
  }

  /** Announced and not being released. */
  holds(ip: string): boolean {
    const key = formatIpv6(parseIpv6(ip));
    return this.#ips.has(key) && !this.#releasing.has(key);
  }

  /** The addresses answered for, in canonical text. */
  get ips(): readonly string[] {
    return [...this.#ips.keys()];
  }

  /** Ethernet multicast MAC of the solicited-node group of `ip` (to join while announcing it). */
  static groupMacOf(ip: string): MacAddress {
    return solicitedNodeMulticastMac(parseIpv6(ip));
  }

  /** Handles one received Ethernet frame; never throws. */
  handleFrame(frame: Uint8Array): FrameOutcome {
    if (frame.length < ETHERNET_HEADER_BYTES) return FrameOutcome.malformed;
    const kind = classifyFrame(frame);
    if (kind !== FrameKind.neighborSolicitation && kind !== FrameKind.neighborAdvertisement) {
      return FrameOutcome.ignored;
    }
    if (this.#o.rateLimiter?.allow(readMac(frame, 6), this.#o.now()) === false)
      return FrameOutcome.rateLimited;
    let decoded: ReturnType<typeof decodeNdpFrame>;
    try {
      decoded = decodeNdpFrame(frame);
    } catch {
      // Decoders throw only ArpWireError on bad bytes; any failure here is a malformed frame.
      return FrameOutcome.malformed;
    }
    if (decoded.ethernet.source === this.#o.mac) return FrameOutcome.ignored;
    const target = formatIpv6(decoded.message.targetAddress);

    if (!isNeighborSolicitationFrame(decoded)) {
      if (!this.#ips.has(target)) return FrameOutcome.notRequest;
      const mac =
        findLinkLayerAddress(decoded.message.options, 'targetLinkLayerAddress') ?? decoded.ethernet.source;
      if (mac === this.#o.mac) return FrameOutcome.ignored;
      if (this.#releasing.has(target)) {
        this.#o.handOver?.(target, formatMac(mac));
        return FrameOutcome.handedOver;
      }
      const report = this.#o.conflicts.observe(target, formatMac(mac), this.#o.ifname, this.#o.now());
      if (report !== undefined) this.#o.observer?.conflict?.(report);
      if (this.#o.conflicts.shouldDefend(target, this.#o.now())) this.sendGratuitous(target);
      return FrameOutcome.conflict;
    }

    const destination = decoded.ethernet.destination;
    if (destination !== this.#o.mac && !isMulticastMac(destination)) return FrameOutcome.wrongDestination;
    if (!this.#ips.has(target)) return FrameOutcome.notOurIp;
    this.#o.observer?.requestReceived?.(target);
    // Source = the solicited address itself, as the Linux kernel answers for its own addresses:
    // strict clients (ndisc6) drop an answer to a global target that comes from a link-local
    // source (scope mismatch). MetalLB answers from the link-local address; see README.
    const answer = buildSolicitedNeighborAdvertisement(decoded, { mac: this.#o.mac });
    try {
      this.#o.send(ndpFrameCodec.encode(answer));
    } catch (error) {
      this.#o.observer?.sendError?.(error);
      return FrameOutcome.sendFailed;
    }
    this.#o.observer?.responseSent?.(target);
    return FrameOutcome.replied;
  }

  /** Sends an unsolicited NA (Override set) for `ip` to all nodes. */
  sendGratuitous(ip: string): void {
    const targetAddress = parseIpv6(ip);
    const frame = buildUnsolicitedNeighborAdvertisement({
      mac: this.#o.mac,
      targetAddress,
      ...(this.#linkLocal === undefined ? {} : { sourceAddress: this.#linkLocal }),
    });
    try {
      this.#o.send(ndpFrameCodec.encode(frame));
      this.#o.observer?.gratuitousSent?.(formatIpv6(targetAddress));
    } catch (error) {
      this.#o.observer?.sendError?.(error);
    }
  }
}
