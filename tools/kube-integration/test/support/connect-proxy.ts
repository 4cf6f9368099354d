import http from 'node:http';
import net from 'node:net';

/** An HTTP CONNECT proxy (RFC 9110 §9.3.6) on 127.0.0.1 that records the tunnels it opened. */
export class ConnectProxy {
  readonly #server: http.Server;
  readonly #sockets = new Set<net.Socket>();
  /** `host:port` of every CONNECT, in order. */
  readonly tunnels: string[] = [];

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<ConnectProxy> {
    const server = http.createServer((_request, response) => {
      response.writeHead(405).end('CONNECT only');
    });
    const proxy = new ConnectProxy(server);
    server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const authority = request.url ?? '';
      proxy.tunnels.push(authority);
      const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
      if (!match) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const upstream = net.connect(Number(match[2]), match[1], () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      for (const socket of [client, upstream]) {
        proxy.#sockets.add(socket);
        socket.on('close', () => proxy.#sockets.delete(socket));
      }
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
