/**
 * Messages built from scratch with this package's types, as a speaker would send them: used by
 * the tshark cross-check (our encoder's bytes read by Wireshark), the benchmark and unit tests.
 */
import { parseIpv4, parseIpv6 } from '@baremetal-lb/arp-wire';
import { Afi, Safi } from '../address-family.ts';
import type { BgpMessage } from '../bgp-message.ts';
import { community, WellKnownCommunity } from '../community.ts';
import { buildEndOfRib } from '../end-of-rib.ts';
import { MessageType } from '../message-header.ts';
import { CeaseSubcode, NotificationCode } from '../notification-code.ts';
import { AS_TRANS, type OpenMessage } from '../open-message.ts';
import { AsPathSegmentType, Origin } from '../path-attribute.ts';
import { RouteRefreshSubtype } from '../route-refresh-message.ts';
import type { UpdateMessage } from '../update-message.ts';

/** The benchmark UPDATE: one IPv4 /32 with ORIGIN, AS_PATH, NEXT_HOP, LOCAL_PREF and two communities. */
export const SERVICE_UPDATE: UpdateMessage = {
  type: MessageType.update,
  withdrawn: [],
  attributes: [
    { kind: 'origin', origin: Origin.igp },
    { kind: 'asPath', segments: [{ type: AsPathSegmentType.sequence, asns: [64512] }] },
    { kind: 'nextHop', nextHop: parseIpv4('198.51.100.10') },
    { kind: 'localPref', localPref: 100 },
    { kind: 'communities', communities: [community(64512, 100), WellKnownCommunity.noExport] },
  ],
  nlri: [{ address: parseIpv4('203.0.113.7'), length: 32 }],
};

export const SERVICE_UPDATE_IPV6: UpdateMessage = {
  type: MessageType.update,
  withdrawn: [],
  attributes: [
    { kind: 'origin', origin: Origin.igp },
    { kind: 'asPath', segments: [{ type: AsPathSegmentType.sequence, asns: [4200000000, 64512] }] },
    { kind: 'multiExitDisc', med: 10 },
    {
      kind: 'mpReachNlri',
      afi: Afi.ipv6,
      safi: Safi.unicast,
      nextHop: parseIpv6('2001:db8:100::10'),
      linkLocalNextHop: parseIpv6('fe80::200:5eff:fe00:5310'),
      nlri: [{ address: parseIpv6('2001:db8:ff::7'), length: 128 }],
    },
    {
      kind: 'largeCommunities',
      communities: [{ globalAdministrator: 4200000000, localData1: 1, localData2: 2 }],
    },
  ],
  nlri: [],
};

export const SPEAKER_OPEN: OpenMessage = {
  type: MessageType.open,
  myAs: AS_TRANS,
  holdTime: 90,
  bgpIdentifier: parseIpv4('198.51.100.10'),
  parameters: [
    {
      kind: 'capabilities',
      capabilities: [
        { kind: 'multiprotocol', afi: Afi.ipv4, safi: Safi.unicast },
        { kind: 'multiprotocol', afi: Afi.ipv6, safi: Safi.unicast },
        { kind: 'fourOctetAs', asn: 4200000000 },
        { kind: 'routeRefresh' },
        { kind: 'enhancedRouteRefresh' },
        {
          kind: 'gracefulRestart',
          restarting: false,
          notification: true,
          restartTimeSeconds: 120,
          families: [{ afi: Afi.ipv4, safi: Safi.unicast, forwardingPreserved: true }],
        },
      ],
    },
  ],
};

export const SAMPLE_MESSAGES: readonly BgpMessage[] = [
  SPEAKER_OPEN,
  SERVICE_UPDATE,
  SERVICE_UPDATE_IPV6,
  {
    type: MessageType.update,
    withdrawn: [{ address: parseIpv4('203.0.113.7'), length: 32 }],
    attributes: [],
    nlri: [],
  },
  buildEndOfRib({ afi: Afi.ipv6, safi: Safi.unicast }),
  { type: MessageType.keepalive },
  {
    type: MessageType.routeRefresh,
    afi: Afi.ipv6,
    subtype: RouteRefreshSubtype.beginning,
    safi: Safi.unicast,
  },
  {
    type: MessageType.notification,
    code: NotificationCode.cease,
    subcode: CeaseSubcode.administrativeShutdown,
    data: Uint8Array.from([4, ...Buffer.from('bye!')]),
  },
];
