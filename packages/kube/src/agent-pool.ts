import type http from 'node:http';
import type { TlsSettings } from './kube-config.ts';

/** Whether two TLS settings would make the same connections (compared by content, not identity). */
export function sameTls(a: TlsSettings, b: TlsSettings): boolean {
  const same = (x: string | Buffer | undefined, y: string | Buffer | undefined) =>
    x === y || (x !== undefined && y !== undefined && Buffer.from(x).equals(Buffer.from(y)));
  return (
    same(a.ca, b.ca) &&
    same(a.cert, b.cert) &&
    same(a.key, b.key) &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername
  );
}

/**
 * Retires an agent whose TLS material is outdated: its idle sockets close now, busy ones when
 * their request ends, so every new connection uses the new material.
 */
export function closeIdleSockets(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) socket.destroy();
  // Sockets still busy close when their request ends (no keep-alive reuse on a retired agent).
  agent.on('free', (socket) => socket.destroy());
}
