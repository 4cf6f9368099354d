import net from 'node:net';
import type { KubeConnection } from '@baremetal-lb/kube';

/**
 * A TCP proxy to `target` on 127.0.0.1 that can silently black-hole its open connections: it
 * stops forwarding in both directions without closing anything, like a NAT entry or a peer that
 * vanished. New connections are forwarded normally.
 */
export class BlackHoleProxy {
  readonly #server: net.Server;
  readonly #open = new Set<{ client: net.Socket; upstream: net.Socket }>();
  /** Connections accepted so far. */
  connections = 0;
  /** Connections black-holed so far. */
  blackHoled = 0;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  /** A proxy in front of the API server at `server` (https URL). */
  static inFrontOf(server: string): Promise<BlackHoleProxy> {
    const url = new URL(server);
    return BlackHoleProxy.start(url.hostname, Number(url.port));
  }

  /** `connection` (its credentials and TLS material) through this proxy. */
  route(connection: KubeConnection): KubeConnection {
    return {
      ...connection,
      server: `https://127.0.0.1:${this.port}`,
      credentials: () => connection.credentials(),
    };
  }

  static async start(targetHost: string, targetPort: number): Promise<BlackHoleProxy> {
    const proxy: BlackHoleProxy = new BlackHoleProxy(
      net.createServer((client) => {
        proxy.connections++;
        const upstream = net.connect(targetPort, targetHost);
        const pair = { client, upstream };
        proxy.#open.add(pair);
        client.pipe(upstream);
        upstream.pipe(client);
        const close = () => {
          proxy.#open.delete(pair);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
      }),
    );
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Stops forwarding on every open connection, leaving the sockets open. */
  blackHoleOpenConnections(): void {
    for (const { client, upstream } of this.#open) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      this.blackHoled++;
    }
    this.#open.clear();
  }

  async close(): Promise<void> {
    this.#server.close();
    for (const { client, upstream } of this.#open) {
      client.destroy();
      upstream.destroy();
    }
  }
}
