import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';

const pollIntervalMs = 200;

/**
 * Polls `check` until it returns true. Fails early when `exited` rejects (the server died) and
 * with ERR_ENVTEST_NOT_READY after `timeoutMs`; `describe` names what was awaited.
 */
export async function waitUntil(
  describe: string,
  check: () => Promise<boolean>,
  options: { readonly timeoutMs: number; readonly exited?: Promise<never> },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  let failed: unknown;
  options.exited?.catch((error: unknown) => {
    failed = error;
  });
  while (Date.now() < deadline) {
    if (failed !== undefined) throw failed;
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  if (failed !== undefined) throw failed;
  throw new EnvtestError(
    EnvtestErrorCode.notReady,
    `${describe} not ready after ${options.timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
    { timeoutMs: options.timeoutMs },
    lastError,
  );
}
