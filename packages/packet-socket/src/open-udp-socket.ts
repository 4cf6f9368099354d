/**
 * openUdpSocket: a UDP socket that sets the TTL / hop limit it sends with, reports the TTL and
 * interface every datagram arrived with, can bind to a device and live in another network
 * namespace. Node's dgram offers none of the receive side; BFD's GTSM check (RFC 5881 §5) needs
 * it. (IP_MINTTL would let the kernel drop low-TTL datagrams, but Linux honours it for TCP only:
 * the test below shows UDP datagrams still arrive, so the check belongs to the caller.)
 * Callbacks run on the thread that opened the socket (a worker thread works).
 */
import * as c from './linux-constants.ts';
import { callNative, loadAddon, type NativeUdpSocket, netnsPath, toSocketError } from './native-addon.ts';
import { ConnClosedError, SocketOp } from './packet-socket-error.ts';
import { decodeSocketAddress, encodeSocketAddress, type SocketAddress } from './socket-address.ts';
import { checkTtlOption, int32Option } from './socket-option-value.ts';

export type OpenUdpSocketOptions = {
  readonly family: 4 | 6;
  /** Local address to bind; default the wildcard. */
  readonly address?: string;
  /** Local port; default 0 (the kernel picks). */
  readonly port?: number;
  /** SO_BINDTODEVICE: only this interface sends and receives. */
  readonly device?: string;
  /** IP_TTL / IPV6_UNICAST_HOPS for what we send. */
  readonly ttl?: number;
  /** SO_REUSEADDR, e.g. several sockets on one port with different local addresses. */
  readonly reuseAddress?: boolean;
  /** Network namespace name (/run/netns/<name>) or path to open the socket in. */
  readonly netns?: string;
};

export type UdpDatagram = {
  readonly data: Buffer;
  readonly from: SocketAddress;
  /** Received IP TTL / IPv6 hop limit; -1 if the kernel did not report it. */
  readonly ttl: number;
  /** Interface index it arrived on; 0 if unknown. */
  readonly ifindex: number;
};

export interface UdpSocket {
  /** The bound local address and port. */
  readonly local: SocketAddress;
  /** The file descriptor (for a native thread such as openBfdPacer's); -1 once closed. */
  readonly fd: number;
  /** Sends one datagram; false when the socket buffer was full and it was dropped. */
  send(data: Uint8Array, address: string, port: number): boolean;
  /** Starts delivering datagrams (and socket errors) to the listener; one listener. */
  onMessage(listener: (datagram: UdpDatagram) => void, onError?: (error: unknown) => void): void;
  close(): void;
}

/** Opens, configures and binds a UDP socket (SocketError naming the failed step). */
export function openUdpSocket(options: OpenUdpSocketOptions): UdpSocket {
  checkTtlOption('ttl', options.ttl);
  const { UdpSocket: NativeClass } = loadAddon('UDP sockets with TTL control');
  const where = options.device ?? '';
  const family = options.family === 6 ? c.AF_INET6 : c.AF_INET;
  const native = callNative(SocketOp.open, where, () => new NativeClass(family, netnsPath(options.netns)));
  try {
    const set = (level: number, name: number, value: Buffer) =>
      callNative(SocketOp.setOption, where, () => native.setOption(level, name, value));
    if (options.reuseAddress) set(c.SOL_SOCKET, c.SO_REUSEADDR, int32Option(1));
    if (options.device !== undefined)
      set(c.SOL_SOCKET, c.SO_BINDTODEVICE, Buffer.from(`${options.device}\0`));
    if (options.family === 4) {
      set(c.IPPROTO_IP, c.IP_RECVTTL, int32Option(1));
      set(c.IPPROTO_IP, c.IP_PKTINFO, int32Option(1));
      if (options.ttl !== undefined) set(c.IPPROTO_IP, c.IP_TTL, int32Option(options.ttl));
    } else {
      set(c.IPPROTO_IPV6, c.IPV6_V6ONLY, int32Option(1));
      set(c.IPPROTO_IPV6, c.IPV6_RECVHOPLIMIT, int32Option(1));
      set(c.IPPROTO_IPV6, c.IPV6_RECVPKTINFO, int32Option(1));
      if (options.ttl !== undefined) set(c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS, int32Option(options.ttl));
    }
    const wildcard = options.family === 4 ? '0.0.0.0' : '::';
    const sockaddr = encodeSocketAddress(options.address ?? wildcard, options.port ?? 0);
    callNative(SocketOp.bind, where, () => native.bind(sockaddr));
    return new LinuxUdpSocket(native, where, decodeSocketAddress(native.localAddress()));
  } catch (error) {
    native.close();
    throw error;
  }
}

class LinuxUdpSocket implements UdpSocket {
  readonly local: SocketAddress;
  readonly #native: NativeUdpSocket;
  readonly #where: string;
  #closed = false;

  constructor(native: NativeUdpSocket, where: string, local: SocketAddress) {
    this.#native = native;
    this.#where = where;
    this.local = local;
  }

  get fd(): number {
    return this.#native.fd;
  }

  send(data: Uint8Array, address: string, port: number): boolean {
    if (this.#closed) throw new ConnClosedError(SocketOp.sendTo, this.#where);
    const to = encodeSocketAddress(address, port);
    return callNative(SocketOp.sendTo, this.#where, () => this.#native.sendTo(data, to)) > 0;
  }

  onMessage(listener: (datagram: UdpDatagram) => void, onError?: (error: unknown) => void): void {
    if (this.#closed) throw new ConnClosedError(SocketOp.receive, this.#where);
    this.#native.startReading((error, data, from, ttl, ifindex) => {
      if (error !== null) {
        onError?.(toSocketError(error, SocketOp.receive, this.#where));
        return;
      }
      listener({ data: data!, from: decodeSocketAddress(from!), ttl: ttl!, ifindex: ifindex! });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
  }
}
