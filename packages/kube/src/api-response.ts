import type { Readable } from 'node:stream';
import { KubeApiError } from './kube-error.ts';

export async function readText(response: Readable): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response as AsyncIterable<string>) text += chunk;
  return text;
}

export function asApiError(method: string, path: string, error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  return new KubeApiError(method, path, 0, '', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** The error for a non-2xx answer, with the reason and message of its Status body if it has one. */
export function apiError(method: string, path: string, status: number, text: string): KubeApiError {
  let reason = '';
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? '';
    message = parsed.message ?? message;
  } catch {
    // Not a Status object (a proxy error page, say); keep the raw text.
  }
  return new KubeApiError(method, path, status, reason, message);
}

/** JSON.stringify that writes bigints as plain JSON integers (int64 status fields beyond 2^53). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `\u0000bigint:${item}` : item,
  ).replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
