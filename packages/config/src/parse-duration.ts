/**
 * Go duration strings (metav1.Duration, as in BGPPeer holdTime: `90s`, `9m0s`, `1h30m`, `1.5s`)
 * → milliseconds. Undefined for anything else; negative durations are not accepted.
 */
const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const whole = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (!whole.test(text)) return undefined;
  let total = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(part))
    total += Number(amount) * (unitMs[unit] ?? 0);
  return Math.round(total);
}
