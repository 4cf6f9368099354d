/**
 * Reads samples out of a Prometheus text exposition: the sum of every sample of `name` whose
 * labels include all of `labels` (0 when none matches, as for a counter never incremented).
 */
export function sumSamples(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const present = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}
