/** Address Family Identifiers (IANA) and Subsequent AFIs (RFC 4760 section 6) this package knows. */

export const Afi = { ipv4: 1, ipv6: 2 } as const;
export type Afi = (typeof Afi)[keyof typeof Afi];

export const Safi = { unicast: 1, multicast: 2 } as const;
export type Safi = (typeof Safi)[keyof typeof Safi];

/** An (AFI, SAFI) pair as capabilities, ROUTE-REFRESH and End-of-RIB name them. */
export type AddressFamily = { readonly afi: number; readonly safi: number };
