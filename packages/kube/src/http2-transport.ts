/**
 * HTTP/2 to the API server: one TLS connection carries every request and watch of a client, as
 * client-go's does (Kubernetes serves h2 over TLS). Against one HTTP/1.1 connection per watch
 * this saves the server a connection per watch and each process about 120 KiB per connection
 * (a speaker holds a dozen watches).
 *
 * One connection also means one point of failure: a connection that goes silent (black-holed,
 * half-open) would stall every exchange. So an exchange idle past its deadline fails as before,
 * the exchanges that follow (the watch reopening) go to a new connection at once, and the old one
 * finishes what it carries, or is closed with all of it if it does not answer a PING within
 * min(deadline, 15 s). A connection silent for 30 s is PINGed the same way (client-go:
 * ReadIdleTimeout 30 s, PingTimeout 15 s).
 */
import http2 from 'node:http2';
import { PassThrough, pipeline } from 'node:stream';
import type { ApiExchange, ApiResponse, ApiTransport } from './api-transport.ts';
import type { TlsSettings } from './kube-config.ts';
import { KubeError } from './kube-error.ts';

const silentConnectionMs = 30_000;
const maxPingWaitMs = 15_000;
/** Times one exchange is sent again after the server refused its stream. */
const maxRefusals = 3;

/** The server does not speak h2 (refused it in the TLS handshake): use HTTP/1.1 instead. */
export class Http2UnavailableError extends KubeError {
  constructor(origin: string, options?: ErrorOptions) {
    super('ERR_KUBE_NO_HTTP2', `${origin} does not offer HTTP/2`, options);
    this.name = 'Http2UnavailableError';
  }
}

/** The server refused the stream before processing it. */
class RefusedStreamError extends Error {
  constructor(cause: Error) {
    super(`the API server refused the stream: ${cause.message}`, { cause });
    this.name = 'RefusedStreamError';
  }
}

/** The server's TLS alert when it speaks no protocol the client offered (RFC 7301 section 3.2). */
const noApplicationProtocol = 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL';

export class Http2Transport implements ApiTransport {
  readonly #origin: string;
  readonly #tls: TlsSettings;
  /** Where new exchanges go; replaced once it closes, errs or is told to go away. */
  #current: http2.ClientHttp2Session | undefined;
  /** Open sessions and how many exchanges each carries. */
  readonly #streams = new Map<http2.ClientHttp2Session, number>();
  readonly #pinging = new Set<http2.ClientHttp2Session>();
  readonly #connected = new WeakSet<http2.ClientHttp2Session>();
  /** Per session: resolves once the server's SETTINGS arrived (or the session ended). */
  readonly #settled = new WeakMap<http2.ClientHttp2Session, Promise<void>>();
  /** Per session: the error that ended it. */
  readonly #failures = new WeakMap<http2.ClientHttp2Session, NodeJS.ErrnoException>();
  #retired = false;

  constructor(origin: string, tls: TlsSettings) {
    this.#origin = origin;
    this.#tls = tls;
  }

  async send(exchange: ApiExchange, refused = 0): Promise<ApiResponse> {
    const session = this.#session();
    // Until the server's SETTINGS arrive its stream limit is unknown, and streams past it are
    // refused: the first exchanges of a session (a start-up's lists and watches) wait for them.
    await this.#settled.get(session);
    try {
      return await this.#exchange(session, exchange);
    } catch (error) {
      // RST_STREAM REFUSED_STREAM: not processed, safe to send again (RFC 9113 section 8.7).
      if (error instanceof RefusedStreamError && refused < maxRefusals)
        return this.send(exchange, refused + 1);
      throw error;
    }
  }

  #exchange(session: http2.ClientHttp2Session, exchange: ApiExchange): Promise<ApiResponse> {
    const { url, method, headers, body, idleTimeoutMs, signal } = exchange;
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request(
          { ':method': method, ':path': `${url.pathname}${url.search}`, ...headers },
          { endStream: body === null, ...(signal ? { signal } : {}) },
        );
      } catch (error) {
        // The session ended before this exchange could start (refused h2, unreachable).
        reject(this.#classify(session, error as NodeJS.ErrnoException));
        return;
      }
      this.#track(session, stream);
      if (signal !== undefined && method !== 'GET') this.#fence(session, stream, signal);
      stream.setTimeout(idleTimeoutMs, () => {
        stream.destroy(new Error(`no data from the API server for ${idleTimeoutMs} ms`));
        if (this.#current === session) this.#current = undefined;
        session.close();
        this.#ping(session, Math.min(idleTimeoutMs, maxPingWaitMs));
      });
      stream.once('response', (head) => {
        // The body through a stream of our own, fed as data arrives: Node marks an HTTP/2 stream
        // `closed` once both sides ended, and a reader that starts after that (its data still
        // buffered) fails with ERR_STREAM_PREMATURE_CLOSE — seen on small answers in bursts.
        // Errors (idle deadline, reset) reach the reader through the pipeline.
        const body = new PassThrough();
        pipeline(stream, body, () => {});
        resolve({ status: Number(head[':status'] ?? 0), headers: head, body });
      });
      const fail = (error: NodeJS.ErrnoException) =>
        reject(
          stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM
            ? new RefusedStreamError(error)
            : this.#classify(session, error),
        );
      stream.once('error', fail);
      // Closed without an error and without an answer (RST_STREAM NO_ERROR, a server that hung up).
      stream.once('close', () =>
        fail(new Error(`the API server closed the stream before answering (code ${stream.rstCode})`)),
      );
      if (body !== null) stream.end(body);
    });
  }

  retire(): void {
    this.#retired = true;
    for (const session of this.#streams.keys()) session.close();
    this.#current = undefined;
  }

  destroy(): void {
    this.#retired = true;
    for (const session of this.#streams.keys()) session.destroy();
    this.#current = undefined;
  }

  #session(): http2.ClientHttp2Session {
    if (this.#current !== undefined && !this.#current.closed && !this.#current.destroyed)
      return this.#current;
    if (this.#retired)
      throw new KubeError('ERR_KUBE_RETIRED', 'the connection was retired (new TLS material)');
    const session = http2.connect(this.#origin, { ...this.#tls, settings: { enablePush: false } });
    this.#current = session;
    this.#streams.set(session, 0);
    session.unref();
    this.#settled.set(
      session,
      new Promise((resolve) => {
        session.once('remoteSettings', () => resolve());
        session.once('close', () => resolve());
      }),
    );
    session.once('connect', () => {
      if (session.alpnProtocol === 'h2') this.#connected.add(session);
    });
    const forget = () => {
      if (this.#current === session) this.#current = undefined;
    };
    // Errors reach the exchanges through their streams; a session error must not go unhandled.
    session.on('error', (error) => {
      this.#failures.set(session, error);
      forget();
    });
    session.once('goaway', () => {
      forget();
      session.close();
    });
    session.once('close', () => {
      forget();
      this.#streams.delete(session);
      this.#pinging.delete(session);
    });
    session.setTimeout(silentConnectionMs, () => this.#ping(session, maxPingWaitMs));
    return session;
  }

  /**
   * A write aborted before its answer (a controller that lost its Lease) takes its connection
   * down: resetting only its stream would leave the request's bytes queued here or in a stalled
   * network path, to reach the API server later. Closing the connection drops them, as closing
   * an HTTP/1.1 socket does; the other exchanges on it fail and reopen.
   */
  #fence(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream, signal: AbortSignal): void {
    const drop = () => {
      if (this.#current === session) this.#current = undefined;
      session.destroy();
    };
    if (signal.aborted) return;
    signal.addEventListener('abort', drop, { once: true });
    const release = () => signal.removeEventListener('abort', drop);
    stream.once('response', release);
    stream.once('close', release);
  }

  /** Keeps the process alive while the session has exchanges, not while it idles. */
  #track(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): void {
    const count = (this.#streams.get(session) ?? 0) + 1;
    this.#streams.set(session, count);
    if (count === 1) session.ref();
    stream.once('close', () => {
      const carried = this.#streams.get(session);
      if (carried === undefined) return;
      this.#streams.set(session, carried - 1);
      if (carried === 1 && !session.destroyed) session.unref();
    });
  }

  /** A PING unanswered within `waitMs` closes the connection: the next exchanges open a new one. */
  #ping(session: http2.ClientHttp2Session, waitMs: number): void {
    if (session.destroyed || this.#pinging.has(session)) return;
    this.#pinging.add(session);
    const timer = setTimeout(
      () => session.destroy(new Error(`no answer to an HTTP/2 PING within ${waitMs} ms`)),
      waitMs,
    );
    timer.unref();
    let sent = false;
    try {
      sent = session.ping((error) => {
        clearTimeout(timer);
        this.#pinging.delete(session);
        if (error && !session.destroyed) session.destroy(error);
      });
    } catch {
      // The session ended meanwhile.
    }
    if (!sent) {
      clearTimeout(timer);
      this.#pinging.delete(session);
    }
  }

  /** A failure before the session ever connected, because h2 was refused, means "use HTTP/1.1". */
  #classify(session: http2.ClientHttp2Session, error: NodeJS.ErrnoException): Error {
    if (this.#connected.has(session)) return error;
    const codes = [
      error.code,
      (error.cause as NodeJS.ErrnoException | undefined)?.code,
      this.#failures.get(session)?.code,
    ];
    const refused =
      codes.includes(noApplicationProtocol) ||
      // A server without ALPN: the handshake completes, then its HTTP/1.1 is not h2.
      (session.alpnProtocol !== undefined && session.alpnProtocol !== 'h2');
    return refused ? new Http2UnavailableError(this.#origin, { cause: error }) : error;
  }
}
