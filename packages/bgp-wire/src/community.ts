/**
 * COMMUNITIES values (RFC 1997): 32 bits, the AS in the high 16. The well-known ones are named
 * as IANA's "BGP Well-known Communities" registry names them.
 */

export const WellKnownCommunity = {
  /** RFC 8326. */
  gracefulShutdown: 0xffff_0000,
  /** RFC 7611. */
  acceptOwn: 0xffff_0001,
  /** RFC 7999. */
  blackhole: 0xffff_029a,
  /** RFC 1997: not advertised outside the confederation (or AS). */
  noExport: 0xffff_ff01,
  /** RFC 1997: not advertised to any peer. */
  noAdvertise: 0xffff_ff02,
  /** RFC 1997: not advertised to external peers, even within a confederation. */
  noExportSubconfed: 0xffff_ff03,
  /** RFC 3765. */
  noPeer: 0xffff_ff04,
} as const;
export type WellKnownCommunity = (typeof WellKnownCommunity)[keyof typeof WellKnownCommunity];

/** The community `asn:value` (both 16-bit). */
export function community(asn: number, value: number): number {
  return ((asn & 0xffff) * 0x10000 + (value & 0xffff)) >>> 0;
}

/** `asn:value`, or the well-known name (camelCase, as in WellKnownCommunity). */
export function formatCommunity(value: number): string {
  for (const [name, known] of Object.entries(WellKnownCommunity)) if (known === value) return name;
  return `${value >>> 16}:${value & 0xffff}`;
}
