import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PacketHandler, Transport } from './transport.ts';

export type UdpTransportOptions = {
  /** Local address to bind, e.g. "0.0.0.0", "::" or one interface address. */
  readonly host: string;
  /** UDP port; MetalLB and memberlist use 7946. 0 picks a free port. */
  readonly port: number;
};

/** Format a UDP endpoint the way transport addresses are written: "192.0.2.1:7946", "[2001:db8::1]:7946". */
export function formatUdpAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Split "host:port" or "[v6]:port"; undefined if it is not one. */
export function parseUdpAddress(address: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(address) ?? /^([^:]+):(\d{1,5})$/.exec(address);
  if (m === null) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65_536 ? { host: m[1]!, port } : undefined;
}

/**
 * Membership over UDP (node:dgram). Send errors (unreachable host, full buffers, a bad address) are
 * counted, never thrown: the protocol treats them as loss.
 */
export class UdpTransport implements Transport {
  readonly localAddress: string;
  #socket: Socket;
  #handler: PacketHandler = () => {};
  #closed = false;
  #sendErrors = 0;

  private constructor(socket: Socket, localAddress: string) {
    this.#socket = socket;
    this.localAddress = localAddress;
    socket.on('message', (msg, rinfo) => this.#handler(msg, formatUdpAddress(rinfo.address, rinfo.port)));
    // An ICMP error surfacing on the socket must not crash the process.
    socket.on('error', () => {
      this.#sendErrors++;
    });
  }

  /** Bind a socket and resolve once it is listening. */
  static async bind(opts: UdpTransportOptions): Promise<UdpTransport> {
    const socket = createSocket({ type: isIPv6(opts.host) ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port, opts.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const { port } = socket.address();
    return new UdpTransport(socket, formatUdpAddress(opts.host, port));
  }

  /** Datagrams that could not be sent (bad address or socket error). */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  send(to: string, packet: Uint8Array): void {
    if (this.#closed) return;
    const target = parseUdpAddress(to);
    if (target === undefined) {
      this.#sendErrors++;
      return;
    }
    this.#socket.send(packet, target.port, target.host, (err) => {
      if (err) this.#sendErrors++;
    });
  }

  onPacket(handler: PacketHandler): void {
    this.#handler = handler;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}
