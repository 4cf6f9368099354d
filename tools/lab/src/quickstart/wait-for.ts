/** Polling for lab conditions: the API server, health endpoints and the kernel have no push API here. */
import { LabError } from '../lab-error.ts';

/** Why 50 ms: fine enough for second-scale waits, cheap on two shared cores. */
const pollIntervalMs = 50;

/** Resolves with the first non-undefined result of `probe` (tried every `intervalMs`); rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  intervalMs = pollIntervalMs,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new LabError('ERR_LAB_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when `url` answers 2xx. */
export async function isHealthy(url: string): Promise<boolean | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok ? true : undefined;
  } catch {
    return undefined;
  }
}
