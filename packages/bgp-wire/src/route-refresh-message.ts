/**
 * ROUTE-REFRESH (RFC 2918 section 3) with the message subtype of RFC 7313 section 3.2 in the
 * former reserved octet: AFI (2), subtype (1), SAFI (1). Always 23 bytes: another length is a
 * ROUTE-REFRESH Message Error (RFC 7313 section 5).
 */
import type { MessageType } from './message-header.ts';

export const RouteRefreshSubtype = {
  normal: 0,
  /** Beginning of Route Refresh (RFC 7313 section 4). */
  beginning: 1,
  /** End of Route Refresh (RFC 7313 section 4). */
  end: 2,
} as const;

export type RouteRefreshMessage = {
  readonly type: typeof MessageType.routeRefresh;
  readonly afi: number;
  /** A RouteRefreshSubtype; other values are reserved and kept (RFC 7313: the receiver ignores them). */
  readonly subtype: number;
  readonly safi: number;
};

export const ROUTE_REFRESH_LENGTH_BYTES = 23;
