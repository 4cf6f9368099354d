/**
 * For the tests on real sockets: poll every 10 ms (real time) until `predicate` holds; resolves
 * with the milliseconds it took, or undefined after `limitMs`.
 */
export async function waitFor(predicate: () => boolean, limitMs: number): Promise<number | undefined> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}
