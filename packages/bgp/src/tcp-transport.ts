/**
 * BgpTransport on Linux TCP. Node's net module cannot set TCP_MD5SIG, IP_MINTTL or a TTL before
 * the SYN, so each socket is created and configured by @baremetal-lb/packet-socket's
 * `openStreamFd` and then handed to Node (`new net.Socket({ fd })` + `connect()`, and
 * `server.listen({ fd })`), which keeps its stream machinery: buffering, backpressure, no
 * polling of our own. A `netns` puts every socket in that network namespace.
 */
import { isIPv6, Server, Socket } from 'node:net';
import { closeStreamFd, openStreamFd, setTcpMd5Key } from '@baremetal-lb/packet-socket';
import { BgpError, BgpErrorCode } from './bgp-error.ts';
import type {
  BgpConnection,
  BgpListener,
  BgpTransport,
  ConnectionHandlers,
  ConnectOptions,
  ListenOptions,
} from './bgp-transport.ts';

export type TcpTransportOptions = {
  /** Network namespace name (/run/netns/<name>) or path for every socket. */
  readonly netns?: string;
};

/** Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d; ours are v6-only, but be safe. */
const plainAddress = (address: string | undefined) => address?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/**
 * How long a connection we closed waits for the peer to close its side, ms: a peer that never
 * reads must not keep the socket for ever, but a busy router gets seconds to read our
 * NOTIFICATION (callers that wait for its close, such as a shutdown, bound their own wait below this).
 */
const closeLingerMs = 5_000;

class TcpConnection implements BgpConnection {
  readonly remoteAddress: string;
  readonly #socket: Socket;
  #handlers: ConnectionHandlers | undefined;
  #closed = false;
  #error: Error | undefined;
  #connected: boolean;

  constructor(socket: Socket, remoteAddress: string, connected: boolean) {
    this.#socket = socket;
    this.remoteAddress = remoteAddress;
    this.#connected = connected;
    socket.setNoDelay(true);
    socket.on('error', (error) => {
      this.#error ??= error;
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#handlers?.closed(this.#error);
    });
  }

  get localAddress(): string | undefined {
    return this.#connected ? plainAddress(this.#socket.localAddress) : undefined;
  }

  attach(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
    this.#socket.on('data', (chunk: Buffer) => handlers.data(chunk));
    if (this.#closed) queueMicrotask(() => handlers.closed(this.#error));
  }

  markConnected(): void {
    this.#connected = true;
    this.#handlers?.connected?.();
  }

  write(bytes: Uint8Array): void {
    if (!this.#closed && this.#socket.writable) this.#socket.write(bytes);
  }

  close(): void {
    if (this.#closed) return;
    if (!this.#connected) {
      this.#socket.destroy();
      return;
    }
    // FIN after what is buffered; `closed` comes with the peer's FIN (or reset), once it has
    // read up to here (BgpPeer.whenClosed).
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), closeLingerMs).unref();
  }
}

function wrapFailure(error: unknown, what: string): never {
  throw new BgpError(
    BgpErrorCode.transport,
    `${what}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}

export function createTcpTransport(options: TcpTransportOptions = {}): BgpTransport {
  return {
    connect(connect: ConnectOptions): BgpConnection {
      const family = isIPv6(connect.peerAddress) ? 6 : 4;
      let fd: number;
      try {
        fd = openStreamFd({
          family,
          ...(options.netns === undefined ? {} : { netns: options.netns }),
          ...(connect.localAddress === undefined ? {} : { localAddress: connect.localAddress }),
          ...(connect.ttl === undefined ? {} : { ttl: connect.ttl }),
          ...(connect.minTtl === undefined ? {} : { minTtl: connect.minTtl }),
          ...(connect.password === undefined
            ? {}
            : { md5: [{ address: connect.peerAddress, password: connect.password }] }),
        });
      } catch (error) {
        wrapFailure(error, `socket for ${connect.peerAddress}`);
      }
      const socket = new Socket({ fd, readable: true, writable: true });
      const connection = new TcpConnection(socket, connect.peerAddress, false);
      socket.connect({ host: connect.peerAddress, port: connect.peerPort }, () => connection.markConnected());
      return connection;
    },

    async listen(
      listen: ListenOptions,
      onConnection: (connection: BgpConnection) => void,
    ): Promise<BgpListener> {
      const family = isIPv6(listen.address) ? 6 : 4;
      let fd: number;
      try {
        fd = openStreamFd({
          family,
          ...(options.netns === undefined ? {} : { netns: options.netns }),
          localAddress: listen.address,
          localPort: listen.port,
          reuseAddress: true,
          ...(listen.ttl === undefined ? {} : { ttl: listen.ttl }),
          ...(listen.minTtl === undefined ? {} : { minTtl: listen.minTtl }),
        });
      } catch (error) {
        wrapFailure(error, `listener on ${listen.address} port ${listen.port}`);
      }
      const server = new Server((socket) => {
        const remote = plainAddress(socket.remoteAddress);
        if (remote === undefined) {
          socket.destroy();
          return;
        }
        onConnection(new TcpConnection(socket, remote, true));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd }, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((error: unknown) => {
        closeStreamFd(fd);
        wrapFailure(error, 'listen');
      });
      const address = server.address();
      return {
        port: typeof address === 'object' && address !== null ? address.port : listen.port,
        setPassword(peerAddress, password) {
          try {
            setTcpMd5Key(fd, peerAddress, password);
          } catch (error) {
            wrapFailure(error, `MD5 key for ${peerAddress}`);
          }
        },
        close() {
          server.close();
        },
      };
    },
  };
}
