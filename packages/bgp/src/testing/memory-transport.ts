/**
 * An in-memory BgpTransport for unit tests. Outgoing connects wait in `connects` until the test
 * accepts or refuses them; `dial` opens a connection to a listener as a peer would. The far end of
 * every connection is a `RemoteEnd` the test writes bytes to and reads BGP messages from. Delivery
 * is deferred to a microtask, as a socket's would be: `await settle()` lets it happen.
 */
import {
  type BgpMessage,
  bgpMessageCodec,
  decodeBgpMessage,
  MessageFramer,
  type SessionOptions,
} from '@baremetal-lb/bgp-wire';
import type {
  BgpConnection,
  BgpListener,
  BgpTransport,
  ConnectionHandlers,
  ConnectOptions,
  ListenOptions,
} from '../bgp-transport.ts';

/** Lets every queued delivery and microtask run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

class LocalEnd implements BgpConnection {
  readonly remoteAddress: string;
  localAddress: string | undefined;
  handlers: ConnectionHandlers | undefined;
  /** Our side is closed: nothing more is sent or delivered. */
  closed = false;
  #ended = false;
  remote!: RemoteEnd;

  constructor(remoteAddress: string, localAddress: string | undefined) {
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
  }

  attach(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    const copy = Uint8Array.from(bytes);
    queueMicrotask(() => this.remote.receive(copy));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.remote.hangUp());
  }

  /**
   * The far side closed (or refused): the session hears of it once, also when it had closed its
   * own side first (as a TCP peer's FIN answers ours).
   */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.closed = true;
    queueMicrotask(() => this.handlers?.closed(error));
  }
}

/** The peer's side of a connection. */
export class RemoteEnd {
  readonly options: ConnectOptions | undefined;
  readonly #local: LocalEnd;
  readonly #framer = new MessageFramer();
  readonly #bytes: Uint8Array[] = [];
  /** Set when the session closed its side. */
  hungUp = false;
  session: SessionOptions = { fourOctetAs: true, maxMessageLength: 4096 };

  constructor(local: LocalEnd, options: ConnectOptions | undefined) {
    this.#local = local;
    this.options = options;
  }

  /** Outgoing connects: complete the handshake, with the local address the session will see. */
  accept(localAddress = '198.51.100.1'): void {
    this.#local.localAddress = localAddress;
    queueMicrotask(() => this.#local.handlers?.connected?.());
  }

  /** Outgoing connects: refuse (ECONNREFUSED). */
  refuse(): void {
    this.#local.end(new Error('connect ECONNREFUSED'));
  }

  /** Bytes as the peer would send them. */
  write(bytes: Uint8Array): void {
    const copy = Uint8Array.from(bytes);
    queueMicrotask(() => {
      if (!this.#local.closed) this.#local.handlers?.data(copy);
    });
  }

  send(message: BgpMessage): void {
    this.write(bgpMessageCodec(this.session).encode(message));
  }

  /** The peer closes (or the link dies with a reset), or closes its side after the session closed its own. */
  close(): void {
    this.#local.end();
  }

  receive(bytes: Uint8Array): void {
    this.#bytes.push(bytes);
    this.#framer.push(bytes);
  }

  hangUp(): void {
    this.hungUp = true;
  }

  /** Every message the session sent so far, decoded, in order (consumed). */
  take(): BgpMessage[] {
    const out: BgpMessage[] = [];
    for (let m = this.#framer.next(); m !== undefined; m = this.#framer.next()) {
      out.push(decodeBgpMessage(m, 0, m.length, this.session));
    }
    return out;
  }
}

export class MemoryNetwork {
  readonly connects: RemoteEnd[] = [];
  readonly #listeners: {
    readonly options: ListenOptions;
    readonly onConnection: (c: BgpConnection) => void;
    closed: boolean;
    readonly passwords: Map<string, string>;
  }[] = [];

  readonly transport: BgpTransport = {
    connect: (options) => {
      const local = new LocalEnd(options.peerAddress, undefined);
      const remote = new RemoteEnd(local, options);
      local.remote = remote;
      this.connects.push(remote);
      return local;
    },
    listen: async (options, onConnection) => {
      const entry = { options, onConnection, closed: false, passwords: new Map<string, string>() };
      this.#listeners.push(entry);
      const listener: BgpListener = {
        port: options.port,
        setPassword: (peer, password) => {
          if (password === undefined) entry.passwords.delete(peer);
          else entry.passwords.set(peer, password);
        },
        close: () => {
          entry.closed = true;
        },
      };
      return listener;
    },
  };

  /** A peer at `from` connects to the first open listener; undefined when none listens. */
  dial(from: string, localAddress = '198.51.100.1'): RemoteEnd | undefined {
    const listener = this.#listeners.find((l) => !l.closed);
    if (listener === undefined) return undefined;
    const local = new LocalEnd(from, localAddress);
    const remote = new RemoteEnd(local, undefined);
    local.remote = remote;
    listener.onConnection(local);
    return remote;
  }

  /** The MD5 password the first listener holds for `peer`. */
  listenerPassword(peer: string): string | undefined {
    return this.#listeners[0]?.passwords.get(peer);
  }
}
