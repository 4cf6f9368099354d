import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
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

/** Parsed send targets kept at most; members are few, so this only bounds a flood of odd `from`s. */
const targetCacheSize = 1_024;

/**
 * dgram resolves every destination with `dns.lookup`, which for an IP literal still runs the
 * address patterns and defers the send by a tick. Membership sends to a few literals dozens of
 * times a second: those in `literals` (host → address family) are passed through at once.
 */
function lookupLiterals(literals: ReadonlyMap<string, number>) {
  return (
    host: string,
    options: LookupOneOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
  ): void => {
    const family = literals.get(host);
    if (family !== undefined) callback(null, host, family);
    else dnsLookup(host, options, callback);
  };
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
  /** "host:port" → parsed, so that a send does not run the address pattern each time. */
  readonly #targets = new Map<string, { host: string; port: number } | undefined>();
  /** Hosts of #targets that are IP literals, with their family (what the socket's lookup reads). */
  readonly #literals: Map<string, number>;
  readonly #onSent = (err: Error | null) => {
    if (err) this.#sendErrors++;
  };

  private constructor(socket: Socket, localAddress: string, literals: Map<string, number>) {
    this.#socket = socket;
    this.localAddress = localAddress;
    this.#literals = literals;
    socket.on('message', (msg, rinfo) =>
      this.#handler(
        msg,
        rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`,
      ),
    );
    // An ICMP error surfacing on the socket must not crash the process.
    socket.on('error', () => {
      this.#sendErrors++;
    });
  }

  /** Bind a socket and resolve once it is listening. */
  static async bind(opts: UdpTransportOptions): Promise<UdpTransport> {
    const literals = new Map<string, number>();
    const socket = createSocket({
      type: isIPv6(opts.host) ? 'udp6' : 'udp4',
      reuseAddr: false,
      lookup: lookupLiterals(literals),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port, opts.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const { port } = socket.address();
    return new UdpTransport(socket, formatUdpAddress(opts.host, port), literals);
  }

  /** Datagrams that could not be sent (bad address or socket error). */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  send(to: string, packet: Uint8Array): void {
    if (this.#closed) return;
    let target = this.#targets.get(to);
    if (target === undefined && !this.#targets.has(to)) {
      if (this.#targets.size >= targetCacheSize) {
        this.#targets.clear();
        this.#literals.clear();
      }
      target = parseUdpAddress(to);
      this.#targets.set(to, target);
      const family = target === undefined ? 0 : isIP(target.host);
      if (family !== 0) this.#literals.set(target!.host, family);
    }
    if (target === undefined) {
      this.#sendErrors++;
      return;
    }
    this.#socket.send(packet, target.port, target.host, this.#onSent);
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
