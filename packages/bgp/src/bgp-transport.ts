/**
 * The seam between sessions and sockets: a byte-stream connection, outgoing connects and a
 * listener. `createTcpTransport` implements it on Linux TCP sockets; `/testing` has an in-memory
 * one for unit tests.
 */

export interface ConnectionHandlers {
  /** Outgoing connections: the TCP handshake completed. */
  connected?(): void;
  data(chunk: Uint8Array): void;
  /**
   * Closed by either side or failed; called once, and never before `attach` returned. After our
   * `close()` it comes when the far end has closed its side too (or the transport gave up).
   */
  closed(error?: Error): void;
}

export interface BgpConnection {
  readonly remoteAddress: string;
  /** The local address once connected (the default next hop); undefined before. */
  readonly localAddress: string | undefined;
  attach(handlers: ConnectionHandlers): void;
  write(bytes: Uint8Array): void;
  /** Sends what is buffered, then closes our side (the far end closes its own in turn). */
  close(): void;
}

export type ConnectOptions = {
  readonly peerAddress: string;
  readonly peerPort: number;
  /** Source address to bind. */
  readonly localAddress?: string;
  /** RFC 2385 TCP MD5 password. */
  readonly password?: string;
  /** TTL / hop limit of what we send (1 for single-hop eBGP, more for multihop, 255 with GTSM). */
  readonly ttl?: number;
  /** GTSM (RFC 5082): the kernel drops segments from the peer arriving with a lower TTL. */
  readonly minTtl?: number;
};

export type ListenOptions = {
  readonly address: string;
  readonly port: number;
  readonly ttl?: number;
  readonly minTtl?: number;
};

export interface BgpListener {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** Adds, changes or (undefined) removes the MD5 password for connections from `peerAddress`. */
  setPassword(peerAddress: string, password: string | undefined): void;
  close(): void;
}

export interface BgpTransport {
  connect(options: ConnectOptions): BgpConnection;
  listen(options: ListenOptions, onConnection: (connection: BgpConnection) => void): Promise<BgpListener>;
}
