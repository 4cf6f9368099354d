/** A 429 without Retry-After waits this long (client-go: 1 s). */
const defaultRetryAfterMs = 1_000;
/** A Retry-After beyond this is cut down: a stuck proxy must not park a request for hours. */
const maxRetryAfterMs = 60_000;

/** Retry-After in seconds (RFC 9110 §10.2.3; the API server never sends the date form). */
export function retryAfterMs(header: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(seconds) || seconds < 0 || header === undefined || header === '')
    return defaultRetryAfterMs;
  return Math.min(seconds * 1000, maxRetryAfterMs);
}
