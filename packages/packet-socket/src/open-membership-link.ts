/**
 * openMembershipLink: the membership UDP socket of @baremetal-lb/leader with a native thread
 * (native/membership_link.cc) that carries the steady state of SWIM, so an idle member is not
 * woken 20-80 times a second. It seals everything sent (AES-256-GCM in the leader's packet
 * format, one nonce counter for both threads), answers one-ping packets from alive members and
 * runs the direct probe loop while the caller says it is quiet, and hands every other datagram
 * to the caller: opened (when it holds the sender's key) or as it arrived. It implements the
 * leader's MembershipOffload; the protocol's decisions stay with the caller. Callbacks run on the
 * thread that opened the link.
 */
import { isIPv6 } from 'node:net';
import { callNative, loadAddon, type NativeMembershipLink } from './native-addon.ts';
import { openUdpSocket, type UdpSocket } from './open-udp-socket.ts';
import { InvalidArgumentError, SocketOp } from './packet-socket-error.ts';
import { decodeSocketAddress, encodeSocketAddress, type SocketAddress } from './socket-address.ts';

export type OpenMembershipLinkOptions = {
  /** Local address to bind, e.g. "0.0.0.0", "::" or one interface address. */
  readonly host: string;
  /** UDP port (memberlist's is 7946); 0 picks a free one. */
  readonly port: number;
  /** Network namespace name (/run/netns/<name>) or path to open the socket in. */
  readonly netns?: string;
};

export type MembershipLinkPacket =
  | {
      readonly kind: 'opened';
      readonly sender: string;
      readonly epoch: number;
      readonly counter: number;
      readonly payload: Buffer;
      readonly from: string;
    }
  | { readonly kind: 'sealed'; readonly packet: Buffer; readonly from: string };

export type MembershipLinkStats = {
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly sendFailures: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly pingsAnswered: number;
  readonly acksReceived: number;
  readonly probesSent: number;
  readonly probesMissed: number;
  /** Datagrams handed to the caller. */
  readonly passedUp: number;
  readonly replayed: number;
};

export interface MembershipLink {
  /** "192.0.2.10:7946" or "[2001:db8::1]:7946", with the port the kernel picked for 0. */
  readonly localAddress: string;
  configure(name: string, epoch: number, maxPacketBytes: number, watchdogMs: number): void;
  feed(): void;
  setSendKey(keyId: number, key: Uint8Array): void;
  addReceiveKey(keyId: number, sender: string, key: Uint8Array): void;
  clearReceiveKeys(): void;
  forget(sender: string): void;
  /** Seal and send; a bad address or a refused send counts as a send failure, never throws. */
  send(to: string, payload: Uint8Array): void;
  setQuiet(quiet: boolean, alive: readonly string[]): void;
  startProbing(
    targets: readonly { name: string; address: string }[],
    intervalMs: number,
    timeoutMs: number,
  ): void;
  stopProbing(): void;
  onPacket(handler: (packet: MembershipLinkPacket) => void): void;
  onMissed(handler: (seq: number, name: string) => void): void;
  /** Receive errors of the socket (the link keeps reading). */
  onError(handler: (error: unknown) => void): void;
  stats(): MembershipLinkStats;
  close(): Promise<void>;
}

/** "host:port" or "[v6]:port" as a sockaddr; undefined when it is not one. */
function encodeUdpAddress(address: string): Buffer | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(address) ?? /^([^:]+):(\d{1,5})$/.exec(address);
  if (m === null) return undefined;
  try {
    return encodeSocketAddress(m[1]!, Number(m[2]));
  } catch {
    return undefined;
  }
}

function formatUdpAddress(a: SocketAddress): string {
  return a.family === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Encoded destinations kept at most; members are few, so this only bounds a flood of odd ones. */
const addressCacheSize = 1_024;

export function openMembershipLink(options: OpenMembershipLinkOptions): MembershipLink {
  const { MembershipLink: NativeClass } = loadAddon('the membership link');
  const socket = openUdpSocket({
    family: isIPv6(options.host) ? 6 : 4,
    address: options.host,
    port: options.port,
    ...(options.netns === undefined ? {} : { netns: options.netns }),
  });
  try {
    return new LinuxMembershipLink(socket, NativeClass);
  } catch (error) {
    socket.close();
    throw error;
  }
}

class LinuxMembershipLink implements MembershipLink {
  readonly localAddress: string;
  readonly #socket: UdpSocket;
  readonly #native: NativeMembershipLink;
  readonly #addresses = new Map<string, Buffer | undefined>();
  #onPacket: (packet: MembershipLinkPacket) => void = () => {};
  #onMissed: (seq: number, name: string) => void = () => {};
  #onError: (error: unknown) => void = () => {};
  #badAddresses = 0;
  #closed = false;

  constructor(
    socket: UdpSocket,
    NativeClass: new (
      fd: number,
      onEvent: (kind: number, ...args: unknown[]) => void,
    ) => NativeMembershipLink,
  ) {
    this.#socket = socket;
    this.localAddress = formatUdpAddress(socket.local);
    this.#native = callNative(
      SocketOp.open,
      '',
      () => new NativeClass(socket.fd, (kind, ...args) => this.#event(kind, args)),
    );
  }

  #event(kind: number, args: unknown[]): void {
    if (kind === 0) {
      const [sender, epoch, counter, payload, from] = args as [string, number, number, Buffer, Buffer];
      this.#onPacket({
        kind: 'opened',
        sender,
        epoch,
        counter,
        payload,
        from: formatUdpAddress(decodeSocketAddress(from)),
      });
    } else if (kind === 1) {
      const [packet, from] = args as [Buffer, Buffer];
      this.#onPacket({ kind: 'sealed', packet, from: formatUdpAddress(decodeSocketAddress(from)) });
    } else if (kind === 2) {
      this.#onMissed(args[0] as number, args[1] as string);
    } else {
      this.#onError(args[0]);
    }
  }

  #sockaddr(address: string): Buffer | undefined {
    let encoded = this.#addresses.get(address);
    if (encoded === undefined && !this.#addresses.has(address)) {
      if (this.#addresses.size >= addressCacheSize) this.#addresses.clear();
      encoded = encodeUdpAddress(address);
      this.#addresses.set(address, encoded);
    }
    return encoded;
  }

  configure(name: string, epoch: number, maxPacketBytes: number, watchdogMs: number): void {
    this.#native.configure(name, epoch, maxPacketBytes, watchdogMs * 1000);
  }

  feed(): void {
    if (!this.#closed) this.#native.feed();
  }

  setSendKey(keyId: number, key: Uint8Array): void {
    this.#native.setSendKey(keyId, key);
  }

  addReceiveKey(keyId: number, sender: string, key: Uint8Array): void {
    if (!this.#closed) this.#native.addReceiveKey(keyId, sender, key);
  }

  clearReceiveKeys(): void {
    this.#native.clearReceiveKeys();
  }

  forget(sender: string): void {
    this.#native.forget(sender);
  }

  send(to: string, payload: Uint8Array): void {
    if (this.#closed) return;
    const sockaddr = this.#sockaddr(to);
    if (sockaddr === undefined) this.#badAddresses++;
    else this.#native.send(sockaddr, payload);
  }

  setQuiet(quiet: boolean, alive: readonly string[]): void {
    this.#native.setQuiet(quiet, alive);
  }

  startProbing(
    targets: readonly { name: string; address: string }[],
    intervalMs: number,
    timeoutMs: number,
  ): void {
    if (this.#closed) return;
    if (!(intervalMs > 0) || !(timeoutMs > 0)) {
      throw new InvalidArgumentError('probe timing', `interval ${intervalMs} ms, timeout ${timeoutMs} ms`);
    }
    const names: string[] = [];
    const sockaddrs: Buffer[] = [];
    for (const t of targets) {
      const sockaddr = this.#sockaddr(t.address);
      if (sockaddr === undefined) {
        this.#badAddresses++;
        continue;
      }
      names.push(t.name);
      sockaddrs.push(sockaddr);
    }
    this.#native.startProbing(names, sockaddrs, intervalMs * 1000, timeoutMs * 1000);
  }

  stopProbing(): void {
    this.#native.stopProbing();
  }

  onPacket(handler: (packet: MembershipLinkPacket) => void): void {
    this.#onPacket = handler;
  }

  onMissed(handler: (seq: number, name: string) => void): void {
    this.#onMissed = handler;
  }

  onError(handler: (error: unknown) => void): void {
    this.#onError = handler;
  }

  stats(): MembershipLinkStats {
    const s = this.#native.stats();
    return { ...s, sendFailures: s.sendFailures + this.#badAddresses };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The thread first (it reads the socket), then the socket.
    this.#native.close();
    this.#socket.close();
  }
}
