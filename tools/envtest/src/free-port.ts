import { createServer } from 'node:net';

/**
 * A TCP port that was free on `host` a moment ago. Another process can take it before ours
 * binds it; callers retry their start on a bind failure.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
