import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

type ConnectOptions = { readonly host?: string | null; readonly port?: number | string | null };

/**
 * Opens a tunnel to `host:port` through an HTTP proxy with CONNECT (RFC 9110 §9.3.6) and calls
 * back with the raw socket once the proxy answered 2xx.
 */
function openTunnel(
  proxy: URL,
  target: ConnectOptions,
  callback: (error: Error | null, socket: Duplex | undefined) => void,
): void {
  const authority = `${String(target.host ?? '').includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== '')
    headers['proxy-authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const request = http.request({
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || 80,
    method: 'CONNECT',
    path: authority,
    headers,
    agent: false,
  });
  request.once('connect', (response, socket) => {
    if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
      callback(null, socket);
      return;
    }
    socket.destroy();
    callback(
      new Error(`proxy ${proxy.host} refused CONNECT ${authority}: ${response.statusCode}`),
      undefined,
    );
  });
  request.once('error', (error) =>
    callback(new Error(`proxy ${proxy.host}: ${error.message}`, { cause: error }), undefined),
  );
  request.end();
}

/** An https.Agent whose connections go through an HTTP CONNECT proxy, TLS end to end. */
export class HttpsTunnelAgent extends https.Agent {
  readonly #proxy: URL;

  constructor(proxy: string, options: https.AgentOptions) {
    super(options);
    this.#proxy = new URL(proxy);
  }

  override createConnection(
    options: tls.ConnectionOptions & ConnectOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    openTunnel(this.#proxy, options, (error, socket) => {
      if (error || !socket) return callback?.(error ?? new Error('no tunnel'), undefined as never);
      // No SNI for an IP literal (RFC 6066 §3), IPv6 with hex digits included.
      const servername =
        options.servername ?? (isIP(String(options.host)) ? undefined : String(options.host));
      const secured = tls.connect({ ...options, socket, ...(servername ? { servername } : {}) });
      callback?.(null, secured);
    });
    return undefined;
  }
}

/** An http.Agent for plain-HTTP servers behind a CONNECT proxy (test servers, `http://` kubeconfigs). */
export class HttpTunnelAgent extends http.Agent {
  readonly #proxy: URL;

  constructor(proxy: string, options: http.AgentOptions) {
    super(options);
    this.#proxy = new URL(proxy);
  }

  override createConnection(
    options: ConnectOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    openTunnel(this.#proxy, options, (error, socket) => callback?.(error, socket as Duplex));
    return undefined;
  }
}
