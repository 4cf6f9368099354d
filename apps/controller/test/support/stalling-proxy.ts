import net from 'node:net';

/**
 * A TCP proxy to the API server that can stall: while stalled it accepts connections and data but
 * forwards nothing either way, as a partitioned network does. What a client sent meanwhile is
 * held and delivered when the proxy resumes, unless the client closed that connection first (a
 * request it gave up on). So a write the client still holds open when the partition heals reaches
 * the API server late, which is what a leader that keeps writing past its Lease looks like.
 *
 * `responseDelayMs` delays everything the API server sends (in order), so the client's watches lag
 * behind the API server as they do behind a busy one: its cache is that much stale.
 */
export class StallingProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  readonly #responseDelayMs: number;
  #stalled = false;

  private constructor(server: net.Server, responseDelayMs: number) {
    this.#server = server;
    this.#responseDelayMs = responseDelayMs;
  }

  static async start(
    target: { host: string; port: number },
    options: { responseDelayMs?: number } = {},
  ): Promise<StallingProxy> {
    const server = net.createServer();
    const proxy = new StallingProxy(server, options.responseDelayMs ?? 0);
    server.on('connection', (client) => proxy.#accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
    for (const pair of this.#pairs) pair.flush();
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) pair.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target.port, target.host);
    const pair = new Pair(client, upstream, () => this.#stalled, this.#responseDelayMs);
    this.#pairs.add(pair);
    const drop = () => {
      pair.destroy();
      this.#pairs.delete(pair);
    };
    client.on('close', drop);
    // What the server sent before closing is still on its (delayed) way to the client.
    upstream.on('close', () => setTimeout(drop, this.#responseDelayMs));
    client.on('error', drop);
    upstream.on('error', drop);
  }
}

/** One proxied connection: bytes each way, held while stalled. */
class Pair {
  readonly #held: { readonly to: net.Socket; readonly chunk: Buffer }[] = [];
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  readonly stalled: () => boolean;

  constructor(client: net.Socket, upstream: net.Socket, stalled: () => boolean, responseDelayMs: number) {
    this.client = client;
    this.upstream = upstream;
    this.stalled = stalled;
    client.on('data', (chunk) => this.#forward(upstream, chunk));
    upstream.on('data', (chunk) => {
      // Timers of equal delay fire in the order they were set, so the stream stays in order.
      if (responseDelayMs > 0) setTimeout(() => this.#forward(client, chunk), responseDelayMs);
      else this.#forward(client, chunk);
    });
  }

  #forward(to: net.Socket, chunk: Buffer): void {
    if (to.destroyed) return;
    if (this.stalled() || this.#held.length > 0) this.#held.push({ to, chunk });
    else to.write(chunk);
  }

  flush(): void {
    for (const { to, chunk } of this.#held.splice(0)) to.write(chunk);
  }

  /** The client gave up (or the server closed): whatever was held is never delivered. */
  destroy(): void {
    this.#held.length = 0;
    this.client.destroy();
    this.upstream.destroy();
  }
}
