/** The message of an Error, or the thrown value as text (for logs and thread messages). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
