/**
 * metav1.MicroTime as the API writes it: RFC 3339 in UTC with exactly six fractional digits
 * (Leases' renewTime, Events' eventTime).
 */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
