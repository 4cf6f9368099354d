/** What a peer reports about itself: state, counters, negotiated values and the last error in words. */
import { type BgpMessage, MessageType } from '@baremetal-lb/bgp-wire';
import type { Negotiated } from './negotiate.ts';
import type { SessionState } from './session-state.ts';

export type PeerCounters = {
  opensSent: number;
  opensReceived: number;
  updatesSent: number;
  updatesReceived: number;
  keepalivesSent: number;
  keepalivesReceived: number;
  notificationsSent: number;
  notificationsReceived: number;
  routeRefreshesReceived: number;
  /** Prefixes the peer announced to us (counted, then dropped: a speaker imports nothing). */
  prefixesReceived: number;
  /** RFC 7606 outcomes of received UPDATEs. */
  updatesTreatedAsWithdraw: number;
  updatesWithDiscardedAttributes: number;
  /** Prefix announcements and withdrawals we sent. */
  prefixesAnnounced: number;
  prefixesWithdrawn: number;
  connectAttempts: number;
  establishedTransitions: number;
};

export type PeerError = {
  /** Wall-clock time (ms since the epoch). */
  readonly at: number;
  /** Who ended the session: we sent the NOTIFICATION, the peer did, or a local/socket failure. */
  readonly origin: 'sent' | 'received' | 'local';
  readonly text: string;
  readonly notification?: { readonly code: number; readonly subcode: number };
};

export type PeerStatus = {
  readonly peerAddress: string;
  readonly state: SessionState;
  readonly counters: Readonly<PeerCounters>;
  /** Prefixes the peer has from us now; routes configured; changes not yet sent. */
  readonly advertisedPrefixes: number;
  readonly configuredRoutes: number;
  readonly pendingChanges: number;
  /** Routes held back for lack of a next hop of their family (e.g. IPv6 on an IPv4 session without nextHopIpv6). */
  readonly prefixesWithoutNextHop: number;
  readonly negotiated: Negotiated | undefined;
  readonly localAddress: string | undefined;
  readonly lastError: PeerError | undefined;
  /** End-of-RIB received from the peer for IPv4 / IPv6 unicast since Established. */
  readonly endOfRibReceived: { readonly ipv4: boolean; readonly ipv6: boolean };
};

export function zeroCounters(): PeerCounters {
  return {
    opensSent: 0,
    opensReceived: 0,
    updatesSent: 0,
    updatesReceived: 0,
    keepalivesSent: 0,
    keepalivesReceived: 0,
    notificationsSent: 0,
    notificationsReceived: 0,
    routeRefreshesReceived: 0,
    prefixesReceived: 0,
    updatesTreatedAsWithdraw: 0,
    updatesWithDiscardedAttributes: 0,
    prefixesAnnounced: 0,
    prefixesWithdrawn: 0,
    connectAttempts: 0,
    establishedTransitions: 0,
  };
}

/** Counts one message sent or received. */
export function countMessage(c: PeerCounters, message: BgpMessage, direction: 'sent' | 'received'): void {
  const sent = direction === 'sent';
  switch (message.type) {
    case MessageType.open:
      if (sent) c.opensSent++;
      else c.opensReceived++;
      return;
    case MessageType.update:
      if (sent) c.updatesSent++;
      else c.updatesReceived++;
      return;
    case MessageType.keepalive:
      if (sent) c.keepalivesSent++;
      else c.keepalivesReceived++;
      return;
    case MessageType.notification:
      if (sent) c.notificationsSent++;
      else c.notificationsReceived++;
      return;
    case MessageType.routeRefresh:
      if (!sent) c.routeRefreshesReceived++;
      return;
  }
}
