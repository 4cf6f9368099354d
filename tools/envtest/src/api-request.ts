/**
 * The few raw HTTPS calls the harness makes to the API server (readiness, applying CRDs, token
 * requests). Apps use @kubernetes/client-node; the harness stays independent of its API churn.
 */
import { request } from 'node:https';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

/** Where an API server is and how to trust and authenticate to it. */
export type ApiConnection = {
  /** `https://host:port`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** Bearer token. */
  readonly token: string;
};

export type ApiResponse = { readonly status: number; readonly body: string };

export type ApiRequest = {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/readyz?verbose`. */
  readonly path: string;
  readonly body?: unknown;
  /** Default application/json. */
  readonly contentType?: string;
  /** Default application/json; kubectl's tables need `application/json;as=Table;v=v1;g=meta.k8s.io`. */
  readonly accept?: string;
  readonly timeoutMs?: number;
};

const defaultTimeoutMs = 10_000;

/** Sends one request; resolves with any HTTP status, rejects only on transport failure. */
export function sendApiRequest(connection: ApiConnection, req: ApiRequest): Promise<ApiResponse> {
  const url = new URL(req.path, connection.server);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: req.method,
        ca: connection.caPem,
        headers: {
          authorization: `Bearer ${connection.token}`,
          accept: req.accept ?? 'application/json',
          ...(payload === undefined
            ? {}
            : {
                'content-type': req.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
        },
        timeout: req.timeoutMs ?? defaultTimeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`request timed out: ${req.method} ${url.pathname}`)),
    );
    outgoing.on('error', (error) =>
      reject(
        new EnvtestError(
          EnvtestErrorCode.requestFailed,
          `${req.method} ${url.href} failed: ${error.message}`,
          { method: req.method, url: url.href },
          error,
        ),
      ),
    );
    outgoing.end(payload);
  });
}

/** Like sendApiRequest, but a non-2xx status throws ERR_ENVTEST_REQUEST_FAILED; parses JSON. */
export async function callApi<T = unknown>(connection: ApiConnection, req: ApiRequest): Promise<T> {
  const response = await sendApiRequest(connection, req);
  if (response.status < 200 || response.status > 299) {
    throw new EnvtestError(
      EnvtestErrorCode.requestFailed,
      `${req.method} ${req.path} returned ${response.status}: ${response.body.slice(0, 6000)}`,
      { method: req.method, path: req.path, status: response.status, body: response.body },
    );
  }
  return (response.body === '' ? undefined : JSON.parse(response.body)) as T;
}
