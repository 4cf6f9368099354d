/**
 * The responders of every eligible interface, behind the announcer's AnnounceTarget: one packet
 * connection per interface, its frames dispatched to the ARP or NDP responder, and placements
 * added and removed as the announcer says. Interfaces come and go with `setInterfaces`.
 */
import { classifyFrame, FrameKind, parseMac } from '@baremetal-lb/arp-wire';
import type { PacketConn } from '@baremetal-lb/packet-socket';
import type { AnnounceTarget, Placement, ResponderInterface } from '../announce/announcer.ts';
import type { InterfaceInfo } from '../interfaces/interface-eligibility.ts';
import { ArpResponder } from '../responder/arp-responder.ts';
import type { ConflictDetector } from '../responder/conflict-detector.ts';
import type { FrameOutcome, ResponderObserver } from '../responder/frame-outcome.ts';
import { NdpResponder } from '../responder/ndp-responder.ts';
import type { SourceRateLimiter } from '../responder/source-rate-limiter.ts';

/** Opens the packet connection of one interface (ARP and IPv6 NDP frames). */
export type OpenConn = (ifi: InterfaceInfo) => Promise<PacketConn>;

/** Narrows a connection's kernel filter to frames about these addresses (see neighbor-filter.ts). */
export type FilterUpdate = (conn: PacketConn, ipv4: readonly string[], ipv6: readonly string[]) => void;

/** Joins or leaves an Ethernet multicast group on a connection (NDP solicited-node groups). */
export type GroupMembership = {
  readonly join: (conn: PacketConn, mac: number) => void;
  readonly leave: (conn: PacketConn, mac: number) => void;
};

export type ResponderSetOptions = {
  readonly open: OpenConn;
  readonly groups?: GroupMembership;
  readonly filter?: FilterUpdate;
  readonly now: () => number;
  /** See ResponderOptions.rateLimiter: absent when the frames arrive already limited. */
  readonly rateLimiter?: SourceRateLimiter;
  readonly conflicts: ConflictDetector;
  readonly observer?: ResponderObserver;
  /** Every handled frame, by protocol and outcome (metrics). */
  readonly onOutcome?: (protocol: 'arp' | 'ndp', outcome: FrameOutcome) => void;
  readonly onError?: (ifname: string, error: unknown) => void;
  /** A released placement was claimed by `mac` and is no longer answered (make-before-break). */
  readonly onHandedOver?: (placement: Placement, mac: string) => void;
};

type Port = {
  readonly info: InterfaceInfo;
  readonly conn: PacketConn;
  readonly batch: ReplyBatch;
  readonly arp: ArpResponder;
  readonly ndp: NdpResponder;
  readonly joined: Map<number, number>;
  readonly loop: Promise<void>;
};

export class ResponderSet implements AnnounceTarget {
  readonly #o: ResponderSetOptions;
  readonly #ports = new Map<string, Port>();
  /** Interfaces being opened, so a rescan does not open twice. */
  readonly #opening = new Map<string, Promise<void>>();

  constructor(options: ResponderSetOptions) {
    this.#o = options;
  }

  /** Interfaces with an open connection, with the protocols they run. */
  get interfaces(): readonly ResponderInterface[] {
    return [...this.#ports.values()].map((p) => ({
      name: p.info.name,
      arp: p.info.ipv4.length > 0,
      ndp: p.info.ipv6LinkLocal.length > 0,
    }));
  }

  /**
   * Opens connections for new interfaces and closes those no longer eligible. An interface whose
   * MAC or link-local address changed is reopened. Resolves when done; errors go to onError.
   */
  async setInterfaces(eligible: readonly InterfaceInfo[]): Promise<void> {
    const wanted = new Map(eligible.map((i) => [i.name, i]));
    const closing: Promise<void>[] = [];
    for (const [name, port] of this.#ports) {
      const next = wanted.get(name);
      if (next === undefined || !sameInterface(next, port.info)) {
        this.#ports.delete(name);
        closing.push(port.conn.close());
      }
    }
    await Promise.allSettled(closing);
    const opening: Promise<void>[] = [];
    for (const info of eligible) {
      if (this.#ports.has(info.name)) continue;
      const pending = this.#opening.get(info.name) ?? this.#openPort(info);
      this.#opening.set(info.name, pending);
      opening.push(pending);
    }
    await Promise.allSettled(opening);
  }

  async #openPort(info: InterfaceInfo): Promise<void> {
    try {
      const conn = await this.#o.open(info);
      const batch = new ReplyBatch(conn, (error) => this.#o.onError?.(info.name, error));
      const common = {
        ifname: info.name,
        mac: parseMac(info.mac),
        send: (frame: Uint8Array) => batch.send(frame),
        now: this.#o.now,
        ...(this.#o.rateLimiter === undefined ? {} : { rateLimiter: this.#o.rateLimiter }),
        conflicts: this.#o.conflicts,
        ...(this.#o.observer === undefined ? {} : { observer: this.#o.observer }),
      };
      const handOver = (family: 4 | 6) => (ip: string, mac: string) =>
        this.#handOver({ ip, family, ifname: info.name }, mac);
      const arp = new ArpResponder({ ...common, handOver: handOver(4) });
      const ndp = new NdpResponder({ ...common, handOver: handOver(6), linkLocal: info.ipv6LinkLocal[0] });
      const port: Port = { info, conn, arp, ndp, batch, joined: new Map(), loop: Promise.resolve() };
      (port as { loop: Promise<void> }).loop = this.#receiveLoop(port);
      this.#ports.set(info.name, port);
    } catch (error) {
      this.#o.onError?.(info.name, error);
    } finally {
      this.#opening.delete(info.name);
    }
  }

  async #receiveLoop(port: Port): Promise<void> {
    const onOutcome = this.#o.onOutcome;
    try {
      for await (const frames of port.conn.receive()) {
        // Answers to one wake-up's frames leave together in one sendmmsg.
        port.batch.begin();
        for (const frame of frames) {
          const kind = classifyFrame(frame);
          if (kind === FrameKind.arp) {
            const outcome = port.arp.handleFrame(frame);
            onOutcome?.('arp', outcome);
          } else if (kind !== FrameKind.other) {
            const outcome = port.ndp.handleFrame(frame);
            onOutcome?.('ndp', outcome);
          }
        }
        port.batch.flush();
      }
    } catch (error) {
      this.#o.onError?.(port.info.name, error);
    }
  }

  add(p: Placement): void {
    const port = this.#ports.get(p.ifname);
    if (port === undefined) return;
    // Widen the kernel filter before answering, so no request for the new IP is filtered out.
    if (p.family === 4) {
      if (port.arp.add(p.ip)) this.#refilter(port);
      return;
    }
    if (!port.ndp.add(p.ip)) return;
    this.#refilter(port);
    const mac = NdpResponder.groupMacOf(p.ip);
    const count = port.joined.get(mac) ?? 0;
    // Several IPs can share one solicited-node group (same low 24 bits): join once, count users.
    if (count === 0) this.#group('join', port, mac);
    port.joined.set(mac, count + 1);
  }

  remove(p: Placement): void {
    const port = this.#ports.get(p.ifname);
    if (port === undefined) return;
    if (p.family === 4) {
      if (port.arp.remove(p.ip)) this.#refilter(port);
      return;
    }
    if (!port.ndp.remove(p.ip)) return;
    this.#refilter(port);
    const mac = NdpResponder.groupMacOf(p.ip);
    const count = port.joined.get(mac) ?? 0;
    if (count <= 1) {
      port.joined.delete(mac);
      if (count === 1) this.#group('leave', port, mac);
    } else {
      port.joined.set(mac, count - 1);
    }
  }

  /**
   * Make-before-break: keeps answering for `p` until another MAC claims its IP on its interface
   * (the new owner's gratuitous ARP or unsolicited NA), then stops at once and reports
   * `onHandedOver`. A claim seen just before (ConflictDetector.recentClaim) counts too.
   */
  release(p: Placement): void {
    const port = this.#ports.get(p.ifname);
    if (port === undefined) return;
    const responder = p.family === 4 ? port.arp : port.ndp;
    if (!responder.holds(p.ip)) return;
    const claimedBy = this.#o.conflicts.recentClaim(p.ip, this.#o.now());
    if (claimedBy === undefined) responder.release(p.ip);
    else this.#handOver(p, claimedBy);
  }

  /** Whether `ip` is answered on `ifname` and not being released. */
  holds(ip: string, ifname: string): boolean {
    const port = this.#ports.get(ifname);
    return port !== undefined && (ip.includes(':') ? port.ndp : port.arp).holds(ip);
  }

  #handOver(p: Placement, mac: string): void {
    this.remove(p);
    this.#o.onHandedOver?.(p, mac);
  }

  sendGratuitous(p: Placement): void {
    const port = this.#ports.get(p.ifname);
    if (port === undefined) return;
    if (p.family === 4) port.arp.sendGratuitous(p.ip);
    else port.ndp.sendGratuitous(p.ip);
  }

  #refilter(port: Port): void {
    try {
      this.#o.filter?.(port.conn, port.arp.ips, port.ndp.ips);
    } catch (error) {
      this.#o.onError?.(port.info.name, error);
    }
  }

  #group(op: 'join' | 'leave', port: Port, mac: number): void {
    try {
      this.#o.groups?.[op](port.conn, mac);
    } catch (error) {
      this.#o.onError?.(port.info.name, error);
    }
  }

  async close(): Promise<void> {
    const ports = [...this.#ports.values()];
    this.#ports.clear();
    await Promise.allSettled(ports.map((p) => p.conn.close()));
    await Promise.allSettled(ports.map((p) => p.loop));
  }
}

function sameInterface(a: InterfaceInfo, b: InterfaceInfo): boolean {
  return (
    a.index === b.index &&
    a.mac === b.mac &&
    a.ipv4.length > 0 === b.ipv4.length > 0 &&
    (a.ipv6LinkLocal[0] ?? '') === (b.ipv6LinkLocal[0] ?? '')
  );
}

/**
 * Collects the answers produced while one received batch is handled and sends them with one
 * sendBatch; outside a batch (gratuitous sends) frames go out at once. Responders reuse their
 * reply buffer, so queued frames are copied.
 */
class ReplyBatch {
  readonly #conn: PacketConn;
  readonly #onError: (error: unknown) => void;
  #open = false;
  #pending: Uint8Array[] = [];

  constructor(conn: PacketConn, onError: (error: unknown) => void) {
    this.#conn = conn;
    this.#onError = onError;
  }

  begin(): void {
    this.#open = true;
  }

  send(frame: Uint8Array): void {
    if (this.#open) this.#pending.push(Uint8Array.prototype.slice.call(frame));
    else this.#conn.send(frame);
  }

  flush(): void {
    this.#open = false;
    const frames = this.#pending;
    if (frames.length === 0) return;
    this.#pending = [];
    try {
      let sent = 0;
      while (sent < frames.length) {
        const n = this.#conn.sendBatch(sent === 0 ? frames : frames.slice(sent));
        // A full socket buffer: drop the rest (the requesters retry) rather than spin.
        if (n === 0) break;
        sent += n;
      }
    } catch (error) {
      this.#onError(error);
    }
  }
}
